using Dapr.Actors.Runtime;
using FlashSale.Contracts.Inventory;
using FlashSale.Inventory.Domain;
using FlashSale.Messaging;
using Microsoft.Extensions.Options;
using FlashSale.Inventory.Application;

namespace FlashSale.Inventory.Infrastructure.Actors;

/// <summary>
/// The stock of one SKU (actor id = SKU). Dapr runs one call at a time per actor id, so the ledger needs no locks and
/// cannot be oversold. Every call follows the same order: change the ledger, save it with its events in one state
/// transaction, then publish the events; a reservation's expiry reminder is registered before the save (a reminder
/// with nothing to release is harmless) and unregistered after it (a reminder that fires in between finds a final
/// reservation and does nothing). A record that became final gets a reminder that deletes it after
/// <see cref="InventoryOptions.SettledReservationRetention"/>, so the state does not grow with every order ever seen.
/// </summary>
public sealed class StockActor : Actor, IStockActor, IRemindable
{
    private const string ExpiryReminderPrefix = "reservation-expiry-";
    private const string ForgetReminderPrefix = "reservation-forget-";
    private const string OutboxReminder = "outbox-flush";

    /// <summary>How often events that could not be published are retried while the SKU gets no calls.</summary>
    internal static readonly TimeSpan OutboxRetryInterval = TimeSpan.FromSeconds(10);

    private readonly IEventPublisher _events;
    private readonly TimeProvider _clock;
    private readonly InventoryOptions _options;
    private readonly RecentRejections _rejections;

    /// <summary>Whether this activation registered the outbox reminder; after a reactivation it unregisters itself.</summary>
    private bool _outboxReminderRegistered;

    /// <param name="stateManager">Only for unit tests (the Dapr-documented way to replace actor state).</param>
    public StockActor(
        ActorHost host, IEventPublisher events, TimeProvider clock, IOptions<InventoryOptions> options,
        IActorStateManager? stateManager = null)
        : base(host)
    {
        _events = events;
        _clock = clock;
        _options = options.Value;
        _rejections = new RecentRejections(clock, _options.RejectionMemory);
        if (stateManager is not null)
        {
            StateManager = stateManager;
        }
    }

    private string Sku => Id.GetId();

    public async Task<ReservationResult> ReserveAsync(ReserveRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var turn = await StockTurn.BeginAsync(StateManager, request.OrderId, _rejections);
        var reserved = turn.Ledger.Reserve(request.OrderId, request.Quantity);
        if (reserved && turn.CountsChanged)
        {
            // A one-shot reminder: Dapr persists it, so the expiry survives deactivation, rebalancing and restarts.
            await RegisterReminderAsync(ExpiryReminderName(request.OrderId), [], _options.ReservationTimeout, Timeout.InfiniteTimeSpan);
        }

        await CompleteAsync(turn);
        if (turn.Ledger.Find(request.OrderId) is { Status: ReservationStatus.Rejected } rejection)
        {
            _rejections.Remember(rejection);
        }

        return new ReservationResult(reserved, turn.Ledger.Counts.Available);
    }

    public Task CommitAsync(string orderId) => SettleAsync(orderId, ledger => ledger.Commit(orderId));

    public Task ReleaseAsync(string orderId) => SettleAsync(orderId, ledger => ledger.Release(orderId));

    public async Task SetStockAsync(int available)
    {
        var turn = await StockTurn.BeginAsync(StateManager);
        turn.Ledger.SetStock(available);
        await CompleteAsync(turn);
    }

    public async Task<StockLevels> GetLevelsAsync()
    {
        var counts = (await StockTurn.BeginAsync(StateManager)).Ledger.Counts;
        return new StockLevels(Sku, counts.Available, counts.Reserved, counts.Sold);
    }

    public Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        if (reminderName.StartsWith(ExpiryReminderPrefix, StringComparison.Ordinal))
        {
            return ExpireAsync(reminderName[ExpiryReminderPrefix.Length..]);
        }

        if (reminderName.StartsWith(ForgetReminderPrefix, StringComparison.Ordinal))
        {
            return ForgetAsync(reminderName[ForgetReminderPrefix.Length..]);
        }

        if (reminderName == OutboxReminder)
        {
            return FlushOutboxAsync();
        }

        Logger.LogWarning("Ignoring unknown reminder {ReminderName} on SKU {Sku}", reminderName, Sku);
        return Task.CompletedTask;
    }

    /// <summary>The reservation's time ran out: release it and tell ordering, unless it was settled meanwhile.</summary>
    private async Task ExpireAsync(string orderId)
    {
        var turn = await StockTurn.BeginAsync(StateManager, orderId);
        if (turn.Ledger.Expire(orderId))
        {
            Logger.LogInformation("Reservation of order {OrderId} on SKU {Sku} expired", orderId, Sku);
        }

        await CompleteAsync(turn, expiredOrderId: orderId);
        await ScheduleForgettingAsync(turn, orderId);
    }

    private async Task ForgetAsync(string orderId) => await (await StockTurn.BeginAsync(StateManager, orderId)).ForgetSettledAsync();

    /// <summary>Retries the outbox of a SKU that gets no calls; the reminder unregisters itself once it is empty.</summary>
    private async Task FlushOutboxAsync()
    {
        _outboxReminderRegistered = true;
        await PublishPendingAsync(await StockTurn.BeginAsync(StateManager));
    }

    private async Task SettleAsync(string orderId, Func<StockLedger, bool> settle)
    {
        var turn = await StockTurn.BeginAsync(StateManager, orderId, _rejections);
        var unitsMoved = settle(turn.Ledger);
        await CompleteAsync(turn);
        if (unitsMoved)
        {
            await UnregisterReminderAsync(ExpiryReminderName(orderId));
        }

        await ScheduleForgettingAsync(turn, orderId);
    }

    /// <summary>A record that became final in this turn is deleted once late calls for its order can no longer come.</summary>
    private async Task ScheduleForgettingAsync(StockTurn turn, string orderId)
    {
        if (turn.Settled)
        {
            await RegisterReminderAsync(ForgetReminderPrefix + orderId, [], _options.SettledReservationRetention, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Saves the turn with the events its change causes, then publishes every pending event.</summary>
    private async Task CompleteAsync(StockTurn turn, string? expiredOrderId = null)
    {
        await turn.SaveAsync(turn.CountsChanged ? EventsOf(turn, expiredOrderId) : []);
        await PublishPendingAsync(turn);
    }

    /// <summary>
    /// Publishes the outbox oldest first. The change is saved by now, so a publish failure must not fail the call (the
    /// caller would undo a reservation that stands, turning a pub/sub blip into errors): it is logged, the unpublished
    /// events stay in the outbox, and a periodic reminder retries them even if the SKU gets no further calls.
    /// </summary>
    private async Task PublishPendingAsync(StockTurn turn)
    {
        var published = 0;
        try
        {
            foreach (var pending in turn.Outbox)
            {
                await pending.PublishAsync(_events, CancellationToken.None);
                published++;
            }
        }
        catch (Exception ex)
        {
            Logger.LogWarning(ex, "Publishing {Pending} event(s) of SKU {Sku} failed; they stay in its outbox", turn.Outbox.Count - published, Sku);
        }

        if (published > 0)
        {
            await turn.RemovePublishedAsync(published);
        }

        if (turn.Outbox.Count > 0 && !_outboxReminderRegistered)
        {
            await RegisterReminderAsync(OutboxReminder, [], OutboxRetryInterval, OutboxRetryInterval);
            _outboxReminderRegistered = true;
        }
        else if (turn.Outbox.Count == 0 && _outboxReminderRegistered)
        {
            await UnregisterReminderAsync(OutboxReminder);
            _outboxReminderRegistered = false;
        }
    }

    private List<PendingEvent> EventsOf(StockTurn turn, string? expiredOrderId)
    {
        var counts = turn.Ledger.Counts;
        var now = _clock.GetUtcNow();
        var events = new List<PendingEvent>
        {
            new(StockChanged: new StockChanged(Sku, counts.Available, counts.Reserved, counts.Sold, counts.Sequence, now)),
        };
        if (counts.Available == 0 && turn.LoadedCounts.Available > 0)
        {
            events.Add(new(SoldOut: new SoldOut(Sku, counts.Sequence, now)));
        }

        if (expiredOrderId is not null && turn.Ledger.Find(expiredOrderId) is { } expired)
        {
            events.Add(new(ReservationExpired: new ReservationExpired(Sku, expiredOrderId, expired.Quantity, counts.Sequence, now)));
        }

        return events;
    }

    private static string ExpiryReminderName(string orderId) => ExpiryReminderPrefix + orderId;
}

using Dapr.Actors.Runtime;
using FlashSale.Contracts.Inventory;
using FlashSale.Inventory.Domain;
using FlashSale.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;

namespace FlashSale.Inventory.Actors;

/// <summary>
/// The stock of one SKU (actor id = SKU). Dapr runs one call at a time per actor id, so the ledger needs no locks and
/// cannot be oversold. Every call follows the same order: change the ledger, save it with its events in one state
/// transaction, then publish the events; a reservation's expiry reminder is registered before the save (a reminder
/// with nothing to release is harmless) and unregistered after it (a reminder that fires in between finds a final
/// reservation and does nothing).
/// </summary>
public sealed class StockActor : Actor, IStockActor, IRemindable
{
    private const string ExpiryReminderPrefix = "reservation-expiry-";

    private readonly IEventPublisher _events;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _reservationTimeout;

    /// <param name="stateManager">Only for unit tests (the Dapr-documented way to replace actor state).</param>
    public StockActor(
        ActorHost host, IEventPublisher events, TimeProvider clock, IOptions<InventoryOptions> options,
        IActorStateManager? stateManager = null)
        : base(host)
    {
        _events = events;
        _clock = clock;
        _reservationTimeout = options.Value.ReservationTimeout;
        if (stateManager is not null)
        {
            StateManager = stateManager;
        }
    }

    private string Sku => Id.GetId();

    public async Task<ReservationResult> ReserveAsync(ReserveRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var turn = await StockTurn.BeginAsync(StateManager, request.OrderId);
        var reserved = turn.Ledger.Reserve(request.OrderId, request.Quantity);
        if (reserved && turn.CountsChanged)
        {
            // A one-shot reminder: Dapr persists it, so the expiry survives deactivation, rebalancing and restarts.
            await RegisterReminderAsync(ExpiryReminderName(request.OrderId), [], _reservationTimeout, Timeout.InfiniteTimeSpan);
        }

        await CompleteAsync(turn);
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

    /// <summary>The reservation's time ran out: release it and tell ordering, unless it was settled meanwhile.</summary>
    public async Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        if (!reminderName.StartsWith(ExpiryReminderPrefix, StringComparison.Ordinal))
        {
            Logger.LogWarning("Ignoring unknown reminder {ReminderName} on SKU {Sku}", reminderName, Sku);
            return;
        }

        var orderId = reminderName[ExpiryReminderPrefix.Length..];
        var turn = await StockTurn.BeginAsync(StateManager, orderId);
        if (turn.Ledger.Expire(orderId))
        {
            Logger.LogInformation("Reservation of order {OrderId} on SKU {Sku} expired", orderId, Sku);
        }

        await CompleteAsync(turn, expiredOrderId: orderId);
    }

    private async Task SettleAsync(string orderId, Func<StockLedger, bool> settle)
    {
        var turn = await StockTurn.BeginAsync(StateManager, orderId);
        var settled = settle(turn.Ledger);
        await CompleteAsync(turn);
        if (settled)
        {
            await UnregisterReminderAsync(ExpiryReminderName(orderId));
        }
    }

    /// <summary>Saves the turn with the events its change causes, then publishes every pending event.</summary>
    private async Task CompleteAsync(StockTurn turn, string? expiredOrderId = null)
    {
        await turn.SaveAsync(turn.CountsChanged ? EventsOf(turn, expiredOrderId) : []);
        if (turn.Outbox.Count == 0)
        {
            return;
        }

        foreach (var pending in turn.Outbox)
        {
            await pending.PublishAsync(_events, CancellationToken.None);
        }

        await turn.ClearOutboxAsync();
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

using Dapr.Actors.Runtime;
using FlashSale.Contracts;
using FlashSale.Contracts.Inventory;
using FlashSale.Inventory.Application;
using FlashSale.Inventory.Domain;
using FlashSale.Messaging;
using Microsoft.Extensions.Options;

namespace FlashSale.Inventory.Infrastructure.Actors;

/// <summary>
/// The stock of one SKU (actor id = SKU). Dapr runs one call at a time per actor id, so the ledger needs no locks and
/// cannot be oversold. Each call carries a batch of orders, so one turn and one state transaction serve many
/// reservations (docs/adr/0020). Reservations expire by one periodic <c>sweep</c> reminder per SKU, which walks the
/// numbered reserve batches oldest first, instead of a reminder per order; the sweep also forgets settled records after
/// <see cref="InventoryOptions.SettledReservationRetention"/> and retries the outbox, so the state stays bounded.
/// </summary>
public sealed class StockActor : Actor, IStockActor, IRemindable
{
    private const string SweepReminder = "sweep";

    /// <summary>Reservation records one sweep turn may expire, so a backlog after downtime never holds the SKU long.</summary>
    internal const int MaxExpiriesPerSweep = 2_000;

    private readonly IEventPublisher _events;
    private readonly StockChangeFeed _feed;
    private readonly TimeProvider _clock;
    private readonly InventoryOptions _options;
    private readonly RecentCalls _refusedCalls;
    private readonly InventoryMetrics _metrics;

    /// <param name="stateManager">Only for unit tests (the Dapr-documented way to replace actor state).</param>
    public StockActor(
        ActorHost host, IEventPublisher events, StockChangeFeed feed, TimeProvider clock, IOptions<InventoryOptions> options,
        InventoryMetrics metrics, IActorStateManager? stateManager = null)
        : base(host)
    {
        _events = events;
        _feed = feed;
        _clock = clock;
        _options = options.Value;
        _metrics = metrics;
        _refusedCalls = new RecentCalls(clock, _options.RejectionMemory);
        if (stateManager is not null)
        {
            StateManager = stateManager;
        }
    }

    private string Sku => Id.GetId();

    private StockState? _state;

    private StockState State => _state ??= new StockState(StateManager);

    public async Task<ReserveBatchResult> ReserveAsync(ReserveBatch batch)
    {
        Validate(batch);
        if (_refusedCalls.Find(batch.BatchId) is { } refused)
        {
            return refused;
        }

        var state = State;
        if (await state.RecordedCallAsync(batch.BatchId) is { } recorded)
        {
            return recorded;
        }

        var counts = await state.CountsAsync();
        var known = await state.ReservationsAsync(batch.Items.Where(item => item.MayRepeat).Select(item => item.OrderId));
        var allowances = await state.AllowancesAsync(batch.Items.Select(StockLedger.AllowanceKeyOf).OfType<AllowanceKey>());
        var ledger = new StockLedger(counts, known, allowances);
        var outcomes = batch.Items.Select(item => Reserve(ledger, item)).ToList();
        var result = new ReserveBatchResult(outcomes, LevelsOf(ledger.Counts));
        if (!ledger.ChangedReservations.Any())
        {
            _refusedCalls.Remember(batch.BatchId, result);
            _metrics.Decided(Sku, outcomes);
            return result;
        }

        var schedule = await EnsureSweepAsync(await state.ScheduleAsync());
        var reserved = new ReservedBatch(schedule.NextBatch, _clock.GetUtcNow(), batch.BatchId,
            ledger.ChangedReservations.Select(reservation => reservation.OrderId).ToList());
        await state.StageBatchAsync(reserved, result);
        await state.Manager.SetStateAsync(StockState.ScheduleKey, schedule with { NextBatch = schedule.NextBatch + 1 });
        await CompleteAsync(state, ledger, counts, loose: []);
        _metrics.Decided(Sku, outcomes);
        return result;
    }

    public async Task<SettleBatchResult> CommitAsync(SettleBatch batch)
    {
        Validate(batch);
        var state = State;
        var counts = await state.CountsAsync();
        var known = await state.ReservationsAsync(batch.Items.Select(item => item.OrderId));
        var allowances = await state.AllowancesAsync(
            known.Select(reservation => reservation.Allowance)
                .Concat(batch.Items.Select(item => StockLedger.AllowanceKeyOf(item.CustomerId, item.Limit)))
                .OfType<AllowanceKey>());
        var ledger = new StockLedger(counts, known, allowances);
        var settled = batch.Items.Select(ledger.Commit).ToList();
        await CompleteAsync(state, ledger, counts, LooseRecords(ledger, known));
        return new SettleBatchResult(settled, LevelsOf(ledger.Counts));
    }

    public async Task<SettleBatchResult> ReleaseAsync(SettleBatch batch)
    {
        Validate(batch);
        var state = State;
        var counts = await state.CountsAsync();
        var known = await state.ReservationsAsync(batch.Items.Select(item => item.OrderId));
        var allowances = await state.AllowancesAsync(known.Select(reservation => reservation.Allowance).OfType<AllowanceKey>());
        var ledger = new StockLedger(counts, known, allowances);
        var settled = batch.Items.Select(item => ledger.Release(item.OrderId)).ToList();
        await CompleteAsync(state, ledger, counts, LooseRecords(ledger, known));
        return new SettleBatchResult(settled, LevelsOf(ledger.Counts));
    }

    public async Task SetStockAsync(int available)
    {
        var state = State;
        var counts = await state.CountsAsync();
        var ledger = new StockLedger(counts, []);
        ledger.SetStock(available);
        await CompleteAsync(state, ledger, counts, loose: []);
    }

    public async Task<StockLevels> GetLevelsAsync() => LevelsOf(await State.CountsAsync());

    /// <summary>The SDK dropped its state cache when the call failed; the keys counted as cached are gone with it.</summary>
    protected override Task OnActorMethodFailedAsync(ActorMethodContext actorMethodContext, Exception e)
    {
        State.Reset();
        return Task.CompletedTask;
    }

    public Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        if (reminderName == SweepReminder)
        {
            return SweepAsync();
        }

        // Reminders of the earlier design (one per reservation) are let go: the sweep covers what they did.
        Logger.LogInformation("Unregistering obsolete reminder {ReminderName} of SKU {Sku}", reminderName, Sku);
        return UnregisterReminderAsync(reminderName);
    }

    /// <summary>
    /// Expires the batches whose time ran out (their reservations still held go back to stock and ordering hears of
    /// each), forgets the batches past the retention, retries the outbox, and stops once nothing is left to do.
    /// </summary>
    private async Task SweepAsync()
    {
        var state = State;
        var counts = await state.CountsAsync();
        var schedule = await state.ScheduleAsync();
        var now = _clock.GetUtcNow();
        var due = new List<Reservation>();
        while (schedule.ExpiryCursor < schedule.NextBatch && due.Count < MaxExpiriesPerSweep
               && await state.BatchAsync(schedule.ExpiryCursor) is { } batch && batch.ReservedAt + _options.ReservationTimeout <= now)
        {
            due.AddRange((await state.ReservationsAsync(batch.OrderIds)).Where(reservation => reservation.Status == ReservationStatus.Reserved));
            schedule = schedule with { ExpiryCursor = schedule.ExpiryCursor + 1 };
        }

        var allowances = await state.AllowancesAsync(due.Select(reservation => reservation.Allowance).OfType<AllowanceKey>());
        var ledger = new StockLedger(counts, due, allowances);
        var expired = due.Where(reservation => ledger.Expire(reservation.OrderId)).ToList();

        while (schedule.RetentionCursor < schedule.ExpiryCursor
               && await state.BatchAsync(schedule.RetentionCursor) is { } old && old.ReservedAt + _options.SettledReservationRetention <= now)
        {
            await state.StageForgetAsync(old);
            schedule = schedule with { RetentionCursor = schedule.RetentionCursor + 1 };
        }

        var loose = await state.LooseAsync();
        foreach (var forgotten in loose.Where(record => record.RecordedAt + _options.SettledReservationRetention <= now).ToList())
        {
            await state.StageForgetAsync(forgotten);
            loose.Remove(forgotten);
        }

        await state.StageListAsync(StockState.LooseKey, loose);
        foreach (var reservation in expired)
        {
            Logger.LogInformation("Reservation of order {OrderId} on SKU {Sku} expired", reservation.OrderId, Sku);
        }

        var outbox = await state.OutboxAsync();
        var sequence = ledger.Counts.Sequence;
        outbox.AddRange(expired.Select(reservation => new PendingEvent(
            ReservationExpired: new ReservationExpired(Sku, reservation.OrderId, reservation.Quantity, sequence, now))));
        var idle = schedule.IsIdle && loose.Count == 0 && outbox.Count == 0;
        await state.Manager.SetStateAsync(StockState.ScheduleKey, schedule with { SweepRegistered = !idle });
        await state.StageAsync(ledger, counts);
        await state.StageListAsync(StockState.OutboxKey, outbox);
        await state.SaveAsync();
        _metrics.Expired(Sku, expired.Count);
        _metrics.Levels(Sku, ledger.Counts);
        if (idle)
        {
            await UnregisterReminderAsync(SweepReminder);
        }

        await PublishAsync(state, ledger.Counts, counts);
        if (_feed.PublishedSequence(Sku) < ledger.Counts.Sequence)
        {
            _feed.Offer(StockChangedOf(ledger.Counts));
        }
    }

    /// <summary>Saves the call's changes with the events they cause in one transaction, then publishes.</summary>
    private async Task CompleteAsync(StockState state, StockLedger ledger, StockCounts loaded, List<LooseRecord> loose)
    {
        var outbox = await state.OutboxAsync();
        if (ledger.Counts.Available == 0 && loaded.Available > 0)
        {
            outbox.Add(new PendingEvent(SoldOut: new SoldOut(Sku, ledger.Counts.Sequence, _clock.GetUtcNow())));
            await state.StageListAsync(StockState.OutboxKey, outbox);
        }

        if (loose.Count > 0)
        {
            var schedule = await EnsureSweepAsync(await state.ScheduleAsync());
            await state.Manager.SetStateAsync(StockState.ScheduleKey, schedule);
            await state.StageListAsync(StockState.LooseKey, [.. await state.LooseAsync(), .. loose]);
        }

        await state.StageAsync(ledger, loaded);
        await state.SaveAsync();
        _metrics.Levels(Sku, ledger.Counts);
        await PublishAsync(state, ledger.Counts, loaded);
    }

    /// <summary>
    /// Publishes the outbox oldest first, and hands the new figures to the feed. The change is saved by now, so a
    /// publish failure must not fail the call (the caller would undo a reservation that stands): the events stay in the
    /// outbox and the sweep retries them.
    /// </summary>
    private async Task PublishAsync(StockState state, StockCounts counts, StockCounts loaded)
    {
        if (counts != loaded)
        {
            _feed.Offer(StockChangedOf(counts));
        }

        var outbox = await state.OutboxAsync();
        if (outbox.Count == 0)
        {
            return;
        }

        var published = 0;
        try
        {
            foreach (var pending in outbox)
            {
                await pending.PublishAsync(_events, CancellationToken.None);
                published++;
            }
        }
        catch (Exception ex)
        {
            Logger.LogWarning(ex, "Publishing {Pending} event(s) of SKU {Sku} failed; they stay in its outbox", outbox.Count - published, Sku);
            var schedule = await EnsureSweepAsync(await state.ScheduleAsync());
            await state.Manager.SetStateAsync(StockState.ScheduleKey, schedule);
        }

        if (published > 0)
        {
            outbox.RemoveRange(0, published);
            await state.StageListAsync(StockState.OutboxKey, outbox);
        }

        await state.SaveAsync();
    }

    /// <summary>Registers the sweep once (Dapr persists it); registration is slow, so the schedule remembers it.</summary>
    private async Task<StockSchedule> EnsureSweepAsync(StockSchedule schedule)
    {
        if (schedule.SweepRegistered)
        {
            return schedule;
        }

        await RegisterReminderAsync(SweepReminder, [], _options.SweepInterval, _options.SweepInterval);
        return schedule with { SweepRegistered = true };
    }

    /// <summary>Records made outside a batch (markers, units taken again): the sweep forgets them after the retention.</summary>
    private List<LooseRecord> LooseRecords(StockLedger ledger, List<Reservation> known)
    {
        var now = _clock.GetUtcNow();
        var existing = known.Select(reservation => reservation.OrderId).ToHashSet(StringComparer.Ordinal);
        return ledger.ChangedReservations.Where(reservation => !existing.Contains(reservation.OrderId))
            .Select(reservation => new LooseRecord(reservation.OrderId, now)).ToList();
    }

    /// <summary>An item the ledger cannot take (a malformed id, a retry with another quantity) is refused alone, not the batch.</summary>
    private ReserveOutcome Reserve(StockLedger ledger, ReserveItem item)
    {
        try
        {
            return ledger.Reserve(item);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            Logger.LogWarning(ex, "Refusing a reserve of SKU {Sku} for order {OrderId}", Sku, item.OrderId);
            return ReserveOutcome.SoldOut;
        }
    }

    private StockLevels LevelsOf(StockCounts counts) => new(Sku, counts.Available, counts.Reserved, counts.Sold);

    private StockChanged StockChangedOf(StockCounts counts) =>
        new(Sku, counts.Available, counts.Reserved, counts.Sold, counts.Sequence, _clock.GetUtcNow());

    private static void Validate(ReserveBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!Identifiers.IsOrderId(batch.BatchId))
        {
            throw new ArgumentException($"'{batch.BatchId}' is not a valid batch id", nameof(batch));
        }

        ValidateSize(batch.Items.Count);
    }

    private static void Validate(SettleBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ValidateSize(batch.Items.Count);
    }

    private static void ValidateSize(int items)
    {
        if (items is 0 or > StockActorType.MaxBatchSize)
        {
            throw new ArgumentException($"a batch has 1 to {StockActorType.MaxBatchSize} items, not {items}");
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using Dapr.Actors.Runtime;
using FlashSale.Contracts;
using FlashSale.Contracts.Inventory;
using FlashSale.Inventory.Domain;

namespace FlashSale.Inventory.Infrastructure.Actors;

/// <summary>
/// Where the stock of a SKU keeps its reservations' schedule: reserve calls are numbered batches (<c>batch-{n}</c>),
/// oldest first, so the sweep finds what is due without listing keys (actor state cannot be listed). A batch expires
/// as a whole once its reservations are older than the timeout, and is forgotten after the retention.
/// </summary>
internal sealed record StockSchedule(long NextBatch, long ExpiryCursor, long RetentionCursor, bool SweepRegistered)
{
    public static readonly StockSchedule Empty = new(0, 0, 0, SweepRegistered: false);

    public bool IsIdle => RetentionCursor == NextBatch;
}

/// <summary>The orders one reserve call reserved, when, and the call it answered (kept for that call's retries).</summary>
internal sealed record ReservedBatch(long Number, DateTimeOffset ReservedAt, string CallId, IReadOnlyList<string> OrderIds);

/// <summary>A reservation record made outside a batch (a release marker, a commit that took units again), to forget later.</summary>
internal sealed record LooseRecord(string OrderId, DateTimeOffset RecordedAt);

/// <summary>One customer's holdings in a sale, under a key that is URL-safe whatever the sale key or customer id.</summary>
internal sealed record AllowanceRecord(AllowanceKey Key, int Units);

/// <summary>
/// Names and reads the actor's state keys; every key is small, so no save rewrites the SKU's history. It lives as long
/// as the actor and keeps the SDK's state cache bounded: the SDK's state manager holds every key read or written until
/// the actor deactivates and walks all of them on every save (Dapr.Actors <c>ActorStateManager.SaveStateAsync</c>), so a
/// SKU selling for an hour would make each turn slower than the last. Once more than <see cref="MaxCachedRecords"/>
/// per-order keys are held, the oldest are unloaded (read from the store again if an order comes back to them).
/// </summary>
internal sealed class StockState(IActorStateManager state)
{
    public const string CountsKey = "counts";
    public const string ScheduleKey = "schedule";
    public const string OutboxKey = "outbox";
    public const string LooseKey = "loose";

    /// <summary>About 4 s of a hot SKU's orders at 1,000/s: a commit or release soon after its reserve still finds its record cached.</summary>
    public const int MaxCachedRecords = 4_096;

    private readonly Queue<string> _cachedRecords = new();
    private readonly HashSet<string> _cachedRecordKeys = new(StringComparer.Ordinal);

    public IActorStateManager Manager => state;

    public async Task<StockCounts> CountsAsync() => await OrDefaultAsync(CountsKey, StockCounts.None);

    public async Task<StockSchedule> ScheduleAsync() => await OrDefaultAsync(ScheduleKey, StockSchedule.Empty);

    public async Task<List<PendingEvent>> OutboxAsync() => await OrDefaultAsync<List<PendingEvent>>(OutboxKey, []);

    public async Task<List<LooseRecord>> LooseAsync() => await OrDefaultAsync<List<LooseRecord>>(LooseKey, []);

    public async Task<ReserveBatchResult?> RecordedCallAsync(string callId) =>
        (await state.TryGetStateAsync<ReserveBatchResult>(Cached(CallKey(callId)))) is { HasValue: true } call ? call.Value : null;

    public async Task<ReservedBatch?> BatchAsync(long number) =>
        (await state.TryGetStateAsync<ReservedBatch>(Cached(BatchKey(number)))) is { HasValue: true } batch ? batch.Value : null;

    /// <summary>The records of <paramref name="orderIds"/> that exist (a malformed id has none and must not reach a state URL).</summary>
    public async Task<List<Reservation>> ReservationsAsync(IEnumerable<string> orderIds)
    {
        var found = new List<Reservation>();
        foreach (var orderId in orderIds.Where(Identifiers.IsOrderId).Distinct(StringComparer.Ordinal))
        {
            if (await state.TryGetStateAsync<Reservation>(Cached(ReservationKey(orderId))) is { HasValue: true } reservation)
            {
                found.Add(reservation.Value);
            }
        }

        return found;
    }

    public async Task<Dictionary<AllowanceKey, int>> AllowancesAsync(IEnumerable<AllowanceKey> keys)
    {
        var found = new Dictionary<AllowanceKey, int>();
        foreach (var key in keys.Distinct())
        {
            if (await state.TryGetStateAsync<AllowanceRecord>(Cached(AllowanceStateKey(key))) is { HasValue: true } record)
            {
                found[key] = record.Value.Units;
            }
        }

        return found;
    }

    /// <summary>Stages what the ledger changed (saved by the caller's <c>SaveStateAsync</c>, in one transaction).</summary>
    public async Task StageAsync(StockLedger ledger, StockCounts loaded)
    {
        if (ledger.Counts != loaded)
        {
            await state.SetStateAsync(CountsKey, ledger.Counts);
        }

        foreach (var reservation in ledger.ChangedReservations)
        {
            await state.SetStateAsync(Cached(ReservationKey(reservation.OrderId)), reservation);
        }

        foreach (var (key, units) in ledger.ChangedAllowances)
        {
            if (units == 0)
            {
                await state.TryRemoveStateAsync(AllowanceStateKey(key));
            }
            else
            {
                await state.SetStateAsync(Cached(AllowanceStateKey(key)), new AllowanceRecord(key, units));
            }
        }
    }

    public async Task StageBatchAsync(ReservedBatch batch, ReserveBatchResult result)
    {
        await state.SetStateAsync(Cached(BatchKey(batch.Number)), batch);
        await state.SetStateAsync(Cached(CallKey(batch.CallId)), result);
    }

    /// <summary>Stages the removal of a forgotten batch: its reservation records, its recorded call and itself.</summary>
    public async Task StageForgetAsync(ReservedBatch batch)
    {
        foreach (var orderId in batch.OrderIds)
        {
            await state.TryRemoveStateAsync(ReservationKey(orderId));
        }

        await state.TryRemoveStateAsync(CallKey(batch.CallId));
        await state.TryRemoveStateAsync(BatchKey(batch.Number));
    }

    public Task StageForgetAsync(LooseRecord loose) => state.TryRemoveStateAsync(ReservationKey(loose.OrderId));

    public Task StageListAsync<T>(string key, List<T> items) =>
        items.Count == 0 ? state.TryRemoveStateAsync(key) : state.SetStateAsync(key, items);

    /// <summary>
    /// Saves the turn's changes, then unloads the oldest per-order keys beyond <see cref="MaxCachedRecords"/> (saved
    /// by then, so nothing pending is dropped).
    /// </summary>
    public async Task SaveAsync()
    {
        await state.SaveStateAsync();
        while (_cachedRecords.Count > MaxCachedRecords)
        {
            var key = _cachedRecords.Dequeue();
            _cachedRecordKeys.Remove(key);
            await state.UnloadStateAsync(key);
        }
    }

    /// <summary>Forgets what is cached, as the SDK does when a call fails.</summary>
    public void Reset()
    {
        _cachedRecords.Clear();
        _cachedRecordKeys.Clear();
    }

    private string Cached(string key)
    {
        if (_cachedRecordKeys.Add(key))
        {
            _cachedRecords.Enqueue(key);
        }

        return key;
    }

    private async Task<T> OrDefaultAsync<T>(string key, T fallback) =>
        await state.TryGetStateAsync<T>(key) is { HasValue: true } value ? value.Value : fallback;

    private static string ReservationKey(string orderId) => $"reservation-{orderId}";

    private static string BatchKey(long number) => $"batch-{number}";

    private static string CallKey(string callId) => $"call-{callId}";

    // Sale keys and customer ids are free text; a digest keeps the key URL-safe and short.
    private static string AllowanceStateKey(AllowanceKey key) =>
        "allowance-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{key.SaleKey}\n{key.CustomerId}")))[..32];
}

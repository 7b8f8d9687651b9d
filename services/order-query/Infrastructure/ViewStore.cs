using Dapr.Client;
using FlashSale.Sidecar;

namespace FlashSale.OrderQuery.Infrastructure;

/// <summary>
/// The materialized views in <c>orderview-store</c> (Redis). Every write is a single-key optimistic update: the
/// Redis state store cannot roll back a multi-key transaction, so no correctness may rest on one. Each write is told to
/// <see cref="ViewChanges"/>, for the live streams.
/// </summary>
public sealed partial class ViewStore(DaprClient dapr, ViewChanges changes, ILogger<ViewStore> logger)
{
    public const string StoreName = "orderview-store";

    /// <summary>In-process attempts on ETag conflicts before the delivery is handed back to Dapr to retry.</summary>
    public const int MaxAttempts = 4;

    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite };

    public Task<T?> ReadAsync<T>(string key, CancellationToken cancellationToken) where T : class =>
        StateWrites.GuardAsync(StoreName, () => dapr.GetStateAsync<T?>(StoreName, key, cancellationToken: cancellationToken));

    /// <summary>The views stored under <paramref name="keys"/>, skipping keys with nothing stored.</summary>
    public async Task<IReadOnlyList<T>> ReadManyAsync<T>(IReadOnlyList<string> keys, CancellationToken cancellationToken) where T : class
    {
        if (keys.Count == 0)
        {
            return [];
        }

        var items = await StateWrites.GuardAsync(StoreName, () =>
            dapr.GetBulkStateAsync<T?>(StoreName, keys, parallelism: null, cancellationToken: cancellationToken));
        var byKey = items.Where(item => item.Value is not null).ToDictionary(item => item.Key, item => item.Value!);
        return keys.Where(byKey.ContainsKey).Select(key => byKey[key]).ToList();
    }

    /// <summary>
    /// Reads the view, applies <paramref name="change"/> (null means "nothing to change") and writes the result only if
    /// nobody wrote in between, re-reading and re-applying on conflict up to <see cref="MaxAttempts"/> times.
    /// </summary>
    public async Task<ViewUpdate<T>> UpdateAsync<T>(string key, Func<T?, T?> change, CancellationToken cancellationToken) where T : class
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var update = await AttemptAsync(key, change, beforeWrite: null, cancellationToken);
            if (update.Outcome != ViewUpdateOutcome.Conflicted)
            {
                return update;
            }

            LogConflict(key, attempt);
        }

        return new ViewUpdate<T>(ViewUpdateOutcome.Conflicted, null, null);
    }

    /// <summary>
    /// One attempt of <see cref="UpdateAsync{T}"/> on a view that exists, with a step in between: when
    /// <paramref name="change"/> has something to change, awaits <paramref name="beforeWrite"/> with the view as read and,
    /// if it succeeded, writes the change only if nobody wrote in between. False when there was nothing to change, the
    /// step failed or the write lost.
    /// </summary>
    public async Task<bool> TryUpdateOnceAsync<T>(
        string key, Func<T, T?> change, Func<T, CancellationToken, Task<bool>> beforeWrite, CancellationToken cancellationToken) where T : class =>
        (await AttemptAsync<T>(key, current => current is null ? null : change(current), beforeWrite, cancellationToken)).Outcome
            == ViewUpdateOutcome.Written;

    /// <summary>Stores a document under a key nobody else writes (an archive under a fresh key).</summary>
    public Task WriteNewAsync<T>(string key, T value, CancellationToken cancellationToken) where T : class =>
        StateWrites.GuardAsync(StoreName, () => dapr.SaveStateAsync(StoreName, key, value, cancellationToken: cancellationToken));

    /// <summary>
    /// One read, change and conditional write; <paramref name="beforeWrite"/> only runs when the change is not null and
    /// the view exists, and false from it skips the write.
    /// </summary>
    private async Task<ViewUpdate<T>> AttemptAsync<T>(
        string key, Func<T?, T?> change, Func<T, CancellationToken, Task<bool>>? beforeWrite, CancellationToken cancellationToken) where T : class
    {
        var (current, etag) = await StateWrites.GuardAsync(StoreName, () =>
            dapr.GetStateAndETagAsync<T?>(StoreName, key, cancellationToken: cancellationToken));
        if (change(current) is not { } next)
        {
            return new ViewUpdate<T>(ViewUpdateOutcome.Unchanged, current, current);
        }

        if (beforeWrite is not null && current is not null && !await beforeWrite(current, cancellationToken))
        {
            return new ViewUpdate<T>(ViewUpdateOutcome.Unchanged, current, current);
        }

        if (!await TryWriteAsync(key, next, etag, cancellationToken))
        {
            return new ViewUpdate<T>(ViewUpdateOutcome.Conflicted, null, null);
        }

        changes.Written(key);
        return new ViewUpdate<T>(ViewUpdateOutcome.Written, current, next);
    }

    // With no ETag (nothing stored yet) first-write makes this an insert that loses to a concurrent insert.
    private Task<bool> TryWriteAsync<T>(string key, T value, string etag, CancellationToken cancellationToken) where T : class =>
        StateWrites.TryAsync(StoreName,
            () => dapr.TrySaveStateAsync(StoreName, key, value, etag, FirstWrite, cancellationToken: cancellationToken),
            async () => (await dapr.GetStateAndETagAsync<T?>(StoreName, key, cancellationToken: cancellationToken)) is var (current, currentETag)
                && (etag.Length == 0 ? current is not null : currentETag != etag));

    [LoggerMessage(Level = LogLevel.Debug, Message = "View {Key} changed while being updated (attempt {Attempt}); re-reading")]
    private partial void LogConflict(string key, int attempt);
}

public enum ViewUpdateOutcome
{
    /// <summary>The change was written.</summary>
    Written,

    /// <summary>
    /// Nothing was written: the change function had nothing to change (a duplicate or stale event), or the step before
    /// the write declined.
    /// </summary>
    Unchanged,

    /// <summary>Every attempt lost to a concurrent writer.</summary>
    Conflicted,
}

/// <summary>The view before and after an update (the same when unchanged; both null when conflicted).</summary>
public sealed record ViewUpdate<T>(ViewUpdateOutcome Outcome, T? Before, T? After) where T : class;

/// <summary>
/// The keys of the views: one document per order, per customer, per SKU and per ledger shard, and their archives. Each
/// kind has its own first segment, so no id (SKUs and order ids are free text) can make two kinds collide.
/// </summary>
public static class ViewKeys
{
    public const string DashboardSkus = "dashboard-skus";

    public static string Order(string orderId) => $"order:{orderId}";

    public static string CustomerOrders(string customerId) => $"customer-orders:{customerId}";

    /// <summary>A fresh key for an archive of one customer's index (unique, so a move that loses its race overwrites nothing).</summary>
    public static string NewCustomerOrdersArchive(string customerId) => $"customer-orders-archive:{Guid.NewGuid():N}:{customerId}";

    public static string Dashboard(string sku) => $"dashboard:{sku}";

    public static string LedgerShard(string sku, int shard) => $"ledger:{shard}:{sku}";

    /// <summary>A fresh key for an archive of one shard's entries (unique, so a move that loses its race overwrites nothing).</summary>
    public static string NewLedgerArchive(string sku, int shard) => $"ledger-archive:{shard}:{Guid.NewGuid():N}:{sku}";

    /// <summary>Where the archives of the document under <paramref name="key"/> (a ledger shard, a customer's index) are listed.</summary>
    public static string ArchivesOf(string key) => $"archives:{key}";

    public static IReadOnlyList<string> LedgerShards(string sku) =>
        Enumerable.Range(0, Domain.SaleLedger.ShardCount).Select(shard => LedgerShard(sku, shard)).ToList();
}

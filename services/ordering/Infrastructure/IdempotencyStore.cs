using System.Security.Cryptography;
using System.Text;
using Dapr.Client;
using FlashSale.Ordering.Domain;
using FlashSale.Sidecar;

namespace FlashSale.Ordering.Infrastructure;

/// <summary>
/// What one (customer, Idempotency-Key) pair has led to. <see cref="OrderId"/> is chosen when the key is first claimed,
/// so a retry can find the order even if the request that placed it died before recording the outcome. A takeover keeps
/// the order id, so a claim is told apart by its <see cref="ClaimedAt"/> as well.
/// </summary>
internal sealed record IdempotencyRecord(string RequestHash, string OrderId, DateTimeOffset ClaimedAt, IdempotencyOutcome? Outcome)
{
    public bool IsInProgress => Outcome is null;

    public bool IsSameClaimAs(IdempotencyRecord other) => OrderId == other.OrderId && ClaimedAt == other.ClaimedAt;
}

/// <summary>
/// A refusal worth replaying to a retry with the same key. A placed order is not recorded here: the claim's order id
/// finds it in the store.
/// </summary>
internal sealed record IdempotencyOutcome(PlacementRefusal Refusal);

internal sealed record StoredIdempotencyRecord(IdempotencyRecord Record, string ETag);

/// <summary>
/// Idempotency records live in <c>orders-store</c> but are written with plain (non-transactional) state calls, which
/// the outbox never publishes, so the order's state transaction keeps its single upsert. They expire after a day.
/// </summary>
internal sealed class IdempotencyStore(DaprClient dapr)
{
    private static readonly IReadOnlyDictionary<string, string> Expiry = new Dictionary<string, string>
    {
        ["ttlInSeconds"] = ((int)TimeSpan.FromDays(1).TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static readonly StateOptions InsertOnly = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    /// <summary>Scoped per customer: two customers may use the same key without seeing each other's orders.</summary>
    public static string KeyFor(string customerId, string idempotencyKey) =>
        "idempotency-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{customerId}\n{idempotencyKey}")));

    /// <summary>Inserts the record if the key is new; false if someone claimed it first.</summary>
    public Task<bool> TryClaimAsync(string key, IdempotencyRecord record, CancellationToken cancellationToken) =>
        StateWrites.TryAsync(OrderStore.StoreName,
            () => dapr.TrySaveStateAsync(OrderStore.StoreName, key, record, etag: string.Empty, InsertOnly, Expiry, cancellationToken),
            async () => await FindAsync(key, cancellationToken) is not null);

    public async Task<StoredIdempotencyRecord?> FindAsync(string key, CancellationToken cancellationToken)
    {
        var (record, etag) = await StateWrites.GuardAsync(OrderStore.StoreName, () =>
            dapr.GetStateAndETagAsync<IdempotencyRecord?>(OrderStore.StoreName, key, cancellationToken: cancellationToken));
        return record is null ? null : new StoredIdempotencyRecord(record, etag);
    }

    /// <summary>Replaces a record read with <paramref name="etag"/> (taking over an abandoned claim); false if it changed.</summary>
    public Task<bool> TryReplaceAsync(string key, IdempotencyRecord record, string etag, CancellationToken cancellationToken) =>
        StateWrites.TryAsync(OrderStore.StoreName,
            () => dapr.TrySaveStateAsync(OrderStore.StoreName, key, record, etag, InsertOnly, Expiry, cancellationToken),
            async () => (await FindAsync(key, cancellationToken))?.ETag != etag);

    /// <summary>Records the outcome, unless another request has taken the claim over meanwhile; false then.</summary>
    public async Task<bool> CompleteAsync(string key, IdempotencyRecord claim, IdempotencyOutcome outcome, CancellationToken cancellationToken) =>
        await FindAsync(key, cancellationToken) is { } current && current.Record.IsSameClaimAs(claim)
        && await TryReplaceAsync(key, claim with { Outcome = outcome }, current.ETag, cancellationToken);

    /// <summary>
    /// Frees the key after a transient failure, so a retry with it starts afresh. False if the claim is no longer this
    /// one (taken over meanwhile): then nothing is deleted.
    /// </summary>
    public async Task<bool> ForgetAsync(string key, IdempotencyRecord claim, CancellationToken cancellationToken) =>
        await FindAsync(key, cancellationToken) is { } current && current.Record.IsSameClaimAs(claim)
        && await StateWrites.TryAsync(OrderStore.StoreName,
            () => dapr.TryDeleteStateAsync(OrderStore.StoreName, key, current.ETag, cancellationToken: cancellationToken),
            async () => (await FindAsync(key, cancellationToken))?.ETag != current.ETag);
}

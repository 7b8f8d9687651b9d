using Dapr.Client;
using FlashSale.Payment.Domain;
using FlashSale.Sidecar;

namespace FlashSale.Payment.Infrastructure;

/// <summary>
/// Payments in the <c>payments-store</c> component, one record per order id, written with optimistic concurrency. A
/// failing store surfaces as <see cref="StateStoreUnavailableException"/>.
/// </summary>
public sealed class PaymentStore(DaprClient dapr)
{
    public const string StoreName = "payments-store";

    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite };

    public async Task<StoredPayment> ReadAsync(string orderId, CancellationToken cancellationToken)
    {
        var (record, etag) = await StateWrites.GuardAsync(StoreName, () =>
            dapr.GetStateAndETagAsync<PaymentRecord?>(StoreName, Key(orderId), cancellationToken: cancellationToken));
        return new StoredPayment(record, etag);
    }

    /// <summary>Inserts a new record; false when one already exists (another delivery got there first).</summary>
    public Task<bool> TryInsertAsync(PaymentRecord record, CancellationToken cancellationToken) =>
        TryWriteAsync(record, etag: string.Empty, cancellationToken);

    /// <summary>Replaces the record read with <paramref name="etag"/>; false when it changed since.</summary>
    public Task<bool> TryReplaceAsync(PaymentRecord record, string etag, CancellationToken cancellationToken) =>
        TryWriteAsync(record, etag, cancellationToken);

    // First-write with no ETag is an insert-only write; with an ETag it succeeds only if nothing changed since.
    private Task<bool> TryWriteAsync(PaymentRecord record, string etag, CancellationToken cancellationToken) =>
        StateWrites.TryAsync(StoreName,
            () => dapr.TrySaveStateAsync(StoreName, Key(record.OrderId), record, etag, FirstWrite, cancellationToken: cancellationToken),
            async () => await ReadAsync(record.OrderId, cancellationToken) is var current
                && (etag.Length == 0 ? current.Record is not null : current.ETag != etag));

    private static string Key(string orderId) => $"payment-{orderId}";
}

/// <summary>A payment as read, with the ETag to write it back.</summary>
public sealed record StoredPayment(PaymentRecord? Record, string ETag);

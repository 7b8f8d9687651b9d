using System.Text.Json;
using Dapr.Client;
using FlashSale.Contracts;
using FlashSale.Messaging;
using FlashSale.Ordering.Domain;
using FlashSale.Sidecar;

namespace FlashSale.Ordering.Infrastructure;

/// <summary>An order as read, with the ETag a later write must present.</summary>
internal sealed record StoredOrder(Order Order, string ETag);

/// <summary>Another write got to the order first (stale ETag, or an insert of an id that exists).</summary>
internal sealed class OrderConcurrencyException(string orderId) : Exception($"Order {orderId} was changed concurrently");

/// <summary>
/// The write side of orders in the Dapr state store <c>orders-store</c>, whose component has Dapr's transactional
/// outbox enabled (see docs/adr/0006-transactional-outbox.md). Every write is ONE state transaction holding the order's
/// upsert and an outbox projection of the event announcing it, so the order changes and the event is published, or
/// neither. Each transaction has exactly one upsert because Dapr publishes one message per upsert. A failing store
/// surfaces as <see cref="StateStoreUnavailableException"/>.
/// </summary>
internal sealed class OrderStore(DaprClient dapr)
{
    public const string StoreName = "orders-store";
    private const string OutboxProjection = "outbox.projection";
    private const string ContentType = "contentType";
    private const string CloudEventTypeAttribute = "type";

    public async Task<StoredOrder?> FindAsync(string orderId, CancellationToken cancellationToken)
    {
        var (order, etag) = await StateWrites.GuardAsync(StoreName, () =>
            dapr.GetStateAndETagAsync<Order?>(StoreName, Key(orderId), cancellationToken: cancellationToken));
        return order is null ? null : new StoredOrder(order, etag);
    }

    /// <summary>Inserts a new order; fails with <see cref="OrderConcurrencyException"/> if the id exists.</summary>
    public Task InsertAsync(Order order, IIntegrationEvent placed, CancellationToken cancellationToken) =>
        CommitAsync(order, etag: null, placed, cancellationToken);

    /// <summary>Replaces the order read with <paramref name="etag"/>; fails with <see cref="OrderConcurrencyException"/> if it changed since.</summary>
    public Task UpdateAsync(Order order, string etag, IIntegrationEvent change, CancellationToken cancellationToken) =>
        CommitAsync(order, etag, change, cancellationToken);

    private async Task CommitAsync(Order order, string? etag, IIntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        var key = Key(order.Id);
        var eventMetadata = MetadataOf(integrationEvent);
        StateTransactionRequest[] operations =
        [
            // First-write with no ETag is an insert that fails if the key exists; with an ETag, a compare-and-swap.
            new(key, JsonSerializer.SerializeToUtf8Bytes(order, dapr.JsonSerializerOptions), StateOperationType.Upsert,
                etag, eventMetadata, new StateOptions { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong }),
            // Not stored: Dapr publishes this value instead of the order document.
            new(key, JsonSerializer.SerializeToUtf8Bytes(integrationEvent, integrationEvent.GetType(), EventJson.Options), StateOperationType.Upsert,
                metadata: new Dictionary<string, string>(eventMetadata) { [OutboxProjection] = "true" }),
        ];

        if (!await StateWrites.TryAsync(StoreName,
                () => dapr.ExecuteStateTransactionAsync(StoreName, operations, cancellationToken: cancellationToken),
                () => ChangedSinceAsync(order.Id, etag, cancellationToken)))
        {
            throw new OrderConcurrencyException(order.Id);
        }
    }

    // The order exists (insert) or carries another ETag (update) → a concurrent write won.
    private async Task<bool> ChangedSinceAsync(string orderId, string? etag, CancellationToken cancellationToken)
    {
        var current = await FindAsync(orderId, cancellationToken);
        return etag is null ? current is not null : current?.ETag != etag;
    }

    // The CloudEvent type (subscribers route on it), the Kafka key, and a JSON content type so the event's data is
    // embedded as JSON rather than as a string. daprd's outbox copies the UPSERT's metadata keys verbatim into the
    // CloudEvent (pkg/runtime/pubsub/outbox.go), so the literal key "type" is what sets the type there; the documented
    // "cloudevent.type" is kept for runtimes that map it. Set on the projection too, which is harmless.
    private static Dictionary<string, string> MetadataOf(IIntegrationEvent integrationEvent) => new()
    {
        [CloudEventTypeAttribute] = CloudEventTypes.Of(integrationEvent.GetType()).Type,
        [EventMetadata.CloudEventType] = CloudEventTypes.Of(integrationEvent.GetType()).Type,
        [EventMetadata.PartitionKey] = integrationEvent.PartitionKey,
        [ContentType] = "application/json",
    };

    private static string Key(string orderId) => $"order-{orderId}";
}

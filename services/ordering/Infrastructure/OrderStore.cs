using System.Text.Json;
using Dapr.Client;
using FlashSale.Contracts;
using FlashSale.Messaging;
using FlashSale.Ordering.Domain;
using FlashSale.Ordering.Infrastructure.Outbox;
using FlashSale.Sidecar;
using Grpc.Core;

namespace FlashSale.Ordering.Infrastructure;

/// <summary>An order as read, with the ETag a later write must present.</summary>
internal sealed record StoredOrder(Order Order, string ETag);

/// <summary>Another write got to the order first (stale ETag, or an insert of an id that exists).</summary>
internal sealed class OrderConcurrencyException(string orderId) : Exception($"Order {orderId} was changed concurrently");

/// <summary>
/// The write side of orders in the Dapr state store <c>orders-store</c>. Every write is ONE state transaction holding
/// the order's upsert and an outbox entry per event announcing it (docs/adr/0019), so the order changes and its events
/// will be published, or neither; <see cref="OrderOutbox"/> publishes the entries once the transaction has committed.
/// A failing store surfaces as <see cref="StateStoreUnavailableException"/>.
/// </summary>
internal sealed class OrderStore(DaprClient dapr, OrderOutbox outbox, OrderingMetrics metrics)
{
    public const string StoreName = "orders-store";

    private static readonly StateOptions Conditional = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    public async Task<StoredOrder?> FindAsync(string orderId, CancellationToken cancellationToken)
    {
        var (order, etag) = await StateWrites.GuardAsync(StoreName, () =>
            dapr.GetStateAndETagAsync<Order?>(StoreName, Key(orderId), cancellationToken: cancellationToken));
        return order is null ? null : new StoredOrder(order, etag);
    }

    /// <summary>Inserts a new order; fails with <see cref="OrderConcurrencyException"/> if the id exists.</summary>
    public Task InsertAsync(Order order, IReadOnlyList<IIntegrationEvent> events, CancellationToken cancellationToken) =>
        CommitAsync(order, etag: null, events, cancellationToken);

    /// <summary>Replaces the order read with <paramref name="etag"/>; fails with <see cref="OrderConcurrencyException"/> if it changed since.</summary>
    public Task UpdateAsync(Order order, string etag, IReadOnlyList<IIntegrationEvent> events, CancellationToken cancellationToken) =>
        CommitAsync(order, etag, events, cancellationToken);

    private async Task CommitAsync(Order order, string? etag, IReadOnlyList<IIntegrationEvent> events, CancellationToken cancellationToken)
    {
        var slots = await outbox.AllocateAsync(events.Count, cancellationToken);
        var entries = slots.Zip(events, (slot, integrationEvent) => (slot, EntryOf(integrationEvent))).ToList();
        StateTransactionRequest[] operations =
        [
            // First-write with no ETag is an insert that fails if the key exists; with an ETag, a compare-and-swap.
            new(Key(order.Id), JsonSerializer.SerializeToUtf8Bytes(order, dapr.JsonSerializerOptions), StateOperationType.Upsert,
                etag, options: Conditional),
            .. entries.Select(entry => new StateTransactionRequest(entry.slot.Key,
                JsonSerializer.SerializeToUtf8Bytes(entry.Item2, dapr.JsonSerializerOptions), StateOperationType.Upsert)),
        ];

        bool committed;
        try
        {
            committed = await StateWrites.TryAsync(StoreName,
                () => dapr.ExecuteStateTransactionAsync(StoreName, operations, cancellationToken: cancellationToken),
                () => ChangedSinceAsync(order, etag, cancellationToken))
                || await IsStoredAsync(order, cancellationToken);
        }
        catch (Exception ex) when (IsCutOff(ex))
        {
            // The sidecar may still commit it (a deadline cut the call off): look for the entries once it cannot.
            outbox.Uncertain(entries);
            throw;
        }
        catch (StateStoreUnavailableException)
        {
            // The sidecar answered with a failure: the transaction did not commit.
            outbox.Abandoned(slots);
            throw;
        }

        if (!committed)
        {
            outbox.Abandoned(slots);
            throw new OrderConcurrencyException(order.Id);
        }

        outbox.Committed(entries);
        metrics.Committed(order, events);
    }

    private static bool IsCutOff(Exception ex) =>
        ex is OperationCanceledException
        || ex.InnerException?.InnerException is RpcException { StatusCode: StatusCode.DeadlineExceeded or StatusCode.Cancelled };

    // The order exists (insert) or carries another ETag (update) → a write got there; IsStoredAsync tells whose.
    private async Task<bool> ChangedSinceAsync(Order order, string? etag, CancellationToken cancellationToken)
    {
        var current = await FindAsync(order.Id, cancellationToken);
        return etag is null ? current is not null : current?.ETag != etag;
    }

    /// <summary>A "lost race" whose stored order is exactly this one was this write, its answer lost after it committed.</summary>
    private async Task<bool> IsStoredAsync(Order order, CancellationToken cancellationToken) =>
        await FindAsync(order.Id, cancellationToken) is { Order: var stored }
        && stored.Version == order.Version && stored.UpdatedAt == order.UpdatedAt && stored.Status == order.Status;

    private static OutboxEntry EntryOf(IIntegrationEvent integrationEvent)
    {
        var serialized = SerializedEvent.Of(integrationEvent);
        return new OutboxEntry(serialized.Topic, serialized.Type, serialized.PartitionKey, serialized.Data);
    }

    private static string Key(string orderId) => $"order-{orderId}";
}

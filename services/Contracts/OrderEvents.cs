namespace FlashSale.Contracts.Orders;

public sealed record OrderLine(string Sku, int Quantity, decimal UnitPrice);

/// <summary>
/// Order events carry the order's <c>Version</c>: 1 when placed, +1 per transition. A read model keeps the highest
/// version it has applied, so a late or duplicated event never overwrites a newer view.
/// </summary>
[CloudEventType("flashsale.order.placed.v1", Topics.Orders)]
public sealed record OrderPlaced(
    string OrderId, string CustomerId, IReadOnlyList<OrderLine> Lines, decimal Total, string Currency, long Version,
    DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string PartitionKey => OrderId;
}

[CloudEventType("flashsale.order.confirmed.v1", Topics.Orders)]
public sealed record OrderConfirmed(string OrderId, string CustomerId, string PaymentId, long Version, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string PartitionKey => OrderId;
}

[CloudEventType("flashsale.order.cancelled.v1", Topics.Orders)]
public sealed record OrderCancelled(string OrderId, string CustomerId, string Reason, long Version, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string PartitionKey => OrderId;
}

/// <summary>Money was taken for an order that can no longer be fulfilled (e.g. paid after the customer cancelled).</summary>
[CloudEventType("flashsale.order.refund-requested.v1", Topics.Orders)]
public sealed record RefundRequested(string OrderId, string CustomerId, string PaymentId, decimal Amount, string Currency, long Version, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string PartitionKey => OrderId;
}

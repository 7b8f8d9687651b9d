namespace FlashSale.Contracts.Inventory;

/// <summary>A SKU's stock figures after a change. <paramref name="Sequence"/> grows with every change of this SKU.</summary>
[CloudEventType("flashsale.inventory.stock-changed.v1", Topics.Inventory)]
public sealed record StockChanged(string Sku, int Available, int Reserved, int Sold, long Sequence, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string PartitionKey => Sku;
}

[CloudEventType("flashsale.inventory.sold-out.v1", Topics.Inventory)]
public sealed record SoldOut(string Sku, long Sequence, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string PartitionKey => Sku;
}

/// <summary>A reservation was not committed in time and its units went back to stock (fired by the actor's reminder).</summary>
[CloudEventType("flashsale.inventory.reservation-expired.v1", Topics.Inventory)]
public sealed record ReservationExpired(string Sku, string OrderId, int Quantity, long Sequence, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string PartitionKey => Sku;
}

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

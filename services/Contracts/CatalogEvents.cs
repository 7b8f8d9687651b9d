namespace FlashSale.Contracts.Catalog;

/// <summary>A product was created or changed. <paramref name="Version"/> grows with every change of this SKU.</summary>
[CloudEventType("flashsale.catalog.product-updated.v1", Topics.Catalog)]
public sealed record ProductUpdated(string Sku, string Name, decimal Price, string Currency, long Version, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string PartitionKey => Sku;
}

[CloudEventType("flashsale.catalog.product-deleted.v1", Topics.Catalog)]
public sealed record ProductDeleted(string Sku, long Version, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string PartitionKey => Sku;
}

/// <summary>
/// A flash sale was scheduled or rescheduled for a SKU. <paramref name="PerCustomerLimit"/> (added later, so optional)
/// is the most units one customer may buy in it. How many units the sale sells is inventory's stock alone (ADR 0017);
/// events published before carry an <c>unitsAllocated</c> member, which subscribers ignore.
/// </summary>
[CloudEventType("flashsale.catalog.sale-scheduled.v1", Topics.Catalog)]
public sealed record SaleScheduled(
    string Sku, decimal SalePrice, string Currency, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    long Version, DateTimeOffset OccurredAt, int? PerCustomerLimit = null) : IIntegrationEvent
{
    public string PartitionKey => Sku;
}

[CloudEventType("flashsale.catalog.sale-cancelled.v1", Topics.Catalog)]
public sealed record SaleCancelled(string Sku, long Version, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string PartitionKey => Sku;
}

namespace FlashSale.Catalog.Domain;

/// <summary>A product of the catalog; <see cref="Currency"/> is an ISO 4217 code and applies to the sale price too.</summary>
public sealed record Product(string Sku, string Name, string Description, decimal Price, string Currency, Sale? Sale = null)
{
    public bool IsOnSaleAt(DateTimeOffset instant) => Sale?.StateAt(instant) == SaleState.Active;

    /// <summary>What a customer pays per unit at <paramref name="instant"/>: the sale price while the sale is active.</summary>
    public decimal EffectivePriceAt(DateTimeOffset instant) => IsOnSaleAt(instant) ? Sale!.SalePrice : Price;

    /// <summary>When the effective price changes next without anyone editing the product (its sale starts or ends), if ever.</summary>
    public DateTimeOffset? NextPriceChangeAfter(DateTimeOffset instant) => Sale?.StateAt(instant) switch
    {
        SaleState.Upcoming => Sale.StartsAt,
        SaleState.Active => Sale.EndsAt,
        _ => null,
    };
}

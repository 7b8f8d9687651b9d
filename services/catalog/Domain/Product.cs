namespace FlashSale.Catalog.Domain;

/// <summary>A product of the catalog; <see cref="Currency"/> is an ISO 4217 code and applies to the sale price too.</summary>
public sealed record Product(string Sku, string Name, string Description, decimal Price, string Currency, Sale? Sale = null)
{
    public bool IsOnSaleAt(DateTimeOffset instant) => Sale?.StateAt(instant) == SaleState.Active;

    /// <summary>What a customer pays per unit at <paramref name="instant"/>: the sale price while the sale is active.</summary>
    public decimal EffectivePriceAt(DateTimeOffset instant) => IsOnSaleAt(instant) ? Sale!.SalePrice : Price;
}

using FlashSale.Catalog.Domain;

namespace FlashSale.Catalog.Api;

public sealed record CreateProductRequest(string? Sku, string? Name, string? Description, decimal? Price, string? Currency)
{
    public ProductDraft ToDraft() => new(Sku, Name, Description, Price, Currency);
}

/// <summary>A full replacement of the product's details; the SKU is the route's and the flash sale is left as it is.</summary>
public sealed record UpdateProductRequest(string? Name, string? Description, decimal? Price, string? Currency)
{
    public ProductDraft ToDraft(string sku) => new(sku, Name, Description, Price, Currency);
}

public sealed record ScheduleSaleRequest(decimal? SalePrice, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, int? PerCustomerLimit = null)
{
    public SaleDraft ToDraft() => new(SalePrice, StartsAt, EndsAt, PerCustomerLimit);
}

/// <summary>A product as customers see it now: <see cref="EffectivePrice"/> is what they would pay per unit.</summary>
public sealed record ProductResponse(
    string Sku, string Name, string Description, decimal Price, string Currency, decimal EffectivePrice, bool OnSale,
    SaleResponse? Sale, long Version)
{
    public static ProductResponse From(Product product, long version, DateTimeOffset now) => new(
        product.Sku, product.Name, product.Description, product.Price, product.Currency,
        product.EffectivePriceAt(now), product.IsOnSaleAt(now), SaleResponse.From(product.Sale, now), version);
}

public sealed record SaleResponse(decimal SalePrice, DateTimeOffset StartsAt, DateTimeOffset EndsAt, SaleState State, int? PerCustomerLimit)
{
    public static SaleResponse? From(Sale? sale, DateTimeOffset now) =>
        sale is null ? null : new(sale.SalePrice, sale.StartsAt, sale.EndsAt, sale.StateAt(now), sale.PerCustomerLimit);
}

public sealed record ProductSummary(string Sku, string Name, decimal Price, string Currency, decimal EffectivePrice, bool OnSale)
{
    public static ProductSummary From(Product product, DateTimeOffset now) =>
        new(product.Sku, product.Name, product.Price, product.Currency, product.EffectivePriceAt(now), product.IsOnSaleAt(now));
}

public sealed record ProductListResponse(int Page, int PageSize, int TotalCount, IReadOnlyList<ProductSummary> Items);

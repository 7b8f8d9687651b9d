namespace FlashSale.Storefront.Api.Components;

/// <summary>What the admin's product form posts; <see cref="ETag"/> is the version the admin saw.</summary>
public sealed class ProductForm
{
    public string? Sku { get; set; }

    public string? Name { get; set; }

    public string? Description { get; set; }

    public string? Price { get; set; }

    public string? Currency { get; set; }

    public string? ETag { get; set; }
}

/// <summary>What the admin's sale form posts (times in UTC, as datetime-local inputs send them).</summary>
public sealed class SaleForm
{
    public string? SalePrice { get; set; }

    public string? StartsAt { get; set; }

    public string? EndsAt { get; set; }

    public string? UnitsAllocated { get; set; }

    public string? PerCustomerLimit { get; set; }

    public string? ETag { get; set; }
}

/// <summary>What the admin's stock form posts.</summary>
public sealed class StockForm
{
    public string? Available { get; set; }
}

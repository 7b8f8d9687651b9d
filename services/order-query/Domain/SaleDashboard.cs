using FlashSale.Contracts.Catalog;
using FlashSale.Contracts.Inventory;

namespace FlashSale.OrderQuery.Domain;

public sealed record SaleWindow(decimal SalePrice, string Currency, DateTimeOffset StartsAt, DateTimeOffset EndsAt);

/// <summary>
/// A SKU's product, sale and stock facts, from catalog and inventory events. Product and sale facts are each guarded by
/// the highest catalog version applied, stock by the highest inventory sequence, so old events never overwrite new ones.
/// </summary>
public sealed record SaleDashboard
{
    public required string Sku { get; init; }

    public string? ProductName { get; init; }

    public decimal? ListPrice { get; init; }

    public string? ListCurrency { get; init; }

    public bool ProductDeleted { get; init; }

    public long ProductVersion { get; init; }

    public SaleWindow? Sale { get; init; }

    public bool SaleCancelled { get; init; }

    public long SaleVersion { get; init; }

    public int? RemainingStock { get; init; }

    public int? ReservedStock { get; init; }

    public long StockSequence { get; init; }

    public static bool IsSoldOut(SaleDashboard? dashboard) => dashboard?.RemainingStock == 0;
}

/// <summary>Applies catalog and inventory events to a SKU's dashboard; null when the event is a duplicate or stale.</summary>
public static class SaleDashboardProjection
{
    public static SaleDashboard? Apply(SaleDashboard? dashboard, ProductUpdated updated)
    {
        var current = dashboard ?? new SaleDashboard { Sku = updated.Sku };
        return updated.Version <= current.ProductVersion
            ? null
            : current with
            {
                ProductName = updated.Name,
                ListPrice = updated.Price,
                ListCurrency = updated.Currency,
                ProductDeleted = false,
                ProductVersion = updated.Version,
            };
    }

    /// <summary>
    /// A deleted product takes its sale with it: catalog re-creates a SKU without one, so a sale older than the delete
    /// is over, even when the product's own facts were already overtaken by its re-creation.
    /// </summary>
    public static SaleDashboard? Apply(SaleDashboard? dashboard, ProductDeleted deleted)
    {
        var current = dashboard ?? new SaleDashboard { Sku = deleted.Sku };
        var endsProduct = deleted.Version > current.ProductVersion;
        var endsSale = deleted.Version > current.SaleVersion;
        if (!endsProduct && !endsSale)
        {
            return null;
        }

        var changed = endsProduct ? current with { ProductDeleted = true, ProductVersion = deleted.Version } : current;
        return endsSale ? changed with { Sale = null, SaleCancelled = false, SaleVersion = deleted.Version } : changed;
    }

    public static SaleDashboard? Apply(SaleDashboard? dashboard, SaleScheduled scheduled)
    {
        var current = dashboard ?? new SaleDashboard { Sku = scheduled.Sku };
        return scheduled.Version <= current.SaleVersion
            ? null
            : current with
            {
                Sale = new SaleWindow(scheduled.SalePrice, scheduled.Currency, scheduled.StartsAt, scheduled.EndsAt),
                SaleCancelled = false,
                SaleVersion = scheduled.Version,
            };
    }

    public static SaleDashboard? Apply(SaleDashboard? dashboard, SaleCancelled cancelled)
    {
        var current = dashboard ?? new SaleDashboard { Sku = cancelled.Sku };
        return cancelled.Version <= current.SaleVersion
            ? null
            : current with { SaleCancelled = true, SaleVersion = cancelled.Version };
    }

    public static SaleDashboard? Apply(SaleDashboard? dashboard, StockChanged changed)
    {
        var current = dashboard ?? new SaleDashboard { Sku = changed.Sku };
        return changed.Sequence <= current.StockSequence
            ? null
            : current with { RemainingStock = changed.Available, ReservedStock = changed.Reserved, StockSequence = changed.Sequence };
    }

    public static SaleDashboard? Apply(SaleDashboard? dashboard, SoldOut soldOut)
    {
        var current = dashboard ?? new SaleDashboard { Sku = soldOut.Sku };
        return soldOut.Sequence <= current.StockSequence
            ? null
            : current with { RemainingStock = 0, StockSequence = soldOut.Sequence };
    }
}

using FlashSale.Contracts.Catalog;
using FlashSale.Contracts.Inventory;
using FlashSale.OrderQuery.Domain;

namespace FlashSale.OrderQuery.Tests;

public class SaleDashboardProjectionTests
{
    [Fact]
    public void An_older_product_update_never_overwrites_a_newer_one()
    {
        var dashboard = SaleDashboardProjection.Apply(null, Events.ProductUpdated("Tee v2", 2))!;

        Assert.Null(SaleDashboardProjection.Apply(dashboard, Events.ProductUpdated("Tee v1", 1)));
        Assert.Null(SaleDashboardProjection.Apply(dashboard, Events.ProductUpdated("Tee v2", 2)));
        Assert.Equal("Tee v2", dashboard.ProductName);
    }

    [Fact]
    public void Stock_follows_the_highest_sequence_whatever_the_arrival_order()
    {
        var dashboard = SaleDashboardProjection.Apply(null, Events.StockChanged(available: 7, sequence: 3))!;

        Assert.Null(SaleDashboardProjection.Apply(dashboard, Events.StockChanged(available: 9, sequence: 2)));
        Assert.Equal(7, dashboard.RemainingStock);
    }

    [Fact]
    public void Sold_out_empties_the_stock_unless_a_newer_change_is_known()
    {
        var dashboard = SaleDashboardProjection.Apply(null, Events.StockChanged(available: 1, sequence: 4))!;

        var soldOut = SaleDashboardProjection.Apply(dashboard, new SoldOut(Events.Sku, 5, Events.Start))!;
        Assert.Equal(0, soldOut.RemainingStock);
        Assert.Null(SaleDashboardProjection.Apply(dashboard, new SoldOut(Events.Sku, 3, Events.Start)));
    }

    [Fact]
    public void A_deleted_product_and_a_cancelled_sale_are_flagged_and_keep_what_was_known()
    {
        var scheduled = new SaleScheduled(Events.Sku, 9.99m, "EUR", Events.Start, Events.Start.AddHours(1), 3, Events.Start);
        var dashboard = SaleDashboardProjection.Apply(null, Events.ProductUpdated("Tee", 1))!;
        dashboard = SaleDashboardProjection.Apply(dashboard, scheduled)!;
        dashboard = SaleDashboardProjection.Apply(dashboard, new SaleCancelled(Events.Sku, 4, Events.Start))!;
        dashboard = SaleDashboardProjection.Apply(dashboard, new ProductDeleted(Events.Sku, 2, Events.Start))!;

        Assert.True(dashboard.SaleCancelled);
        Assert.True(dashboard.ProductDeleted);
        Assert.Equal(("Tee", 9.99m), (dashboard.ProductName, dashboard.Sale!.SalePrice));
        Assert.Null(SaleDashboardProjection.Apply(dashboard, scheduled));
    }

    [Fact]
    public void A_delete_ends_the_sale_even_when_the_re_creation_overtook_it()
    {
        var oldSale = new SaleScheduled(Events.Sku, 9.99m, "EUR", Events.Start, Events.Start.AddHours(1), 2, Events.Start);
        var dashboard = SaleDashboardProjection.Apply(null, Events.ProductUpdated("Tee", 1))!;
        dashboard = SaleDashboardProjection.Apply(dashboard, oldSale)!;
        dashboard = SaleDashboardProjection.Apply(dashboard, Events.ProductUpdated("Tee again", 4))!;
        dashboard = SaleDashboardProjection.Apply(dashboard, new ProductDeleted(Events.Sku, 3, Events.Start))!;

        Assert.Null(dashboard.Sale);
        Assert.Equal(("Tee again", false), (dashboard.ProductName, dashboard.ProductDeleted));
        Assert.Null(SaleDashboardProjection.Apply(dashboard, oldSale));
        Assert.Null(SaleDashboardProjection.Apply(dashboard, new ProductDeleted(Events.Sku, 3, Events.Start)));
    }
}

using FlashSale.Contracts;
using FlashSale.Contracts.Orders;
using FlashSale.EndToEnd.Tests.Fixture;

namespace FlashSale.EndToEnd.Tests.Scenarios;

/// <summary>A customer buys on a flash sale and sees the order through to the end, on every side of the system.</summary>
public sealed class HappyPathTests(SystemFixture system)
{
    [Fact]
    public async Task A_paid_order_is_confirmed_on_the_write_side_and_visible_in_every_read_view()
    {
        var sku = Sku.New("HAPPY");
        var admin = await system.Client.SignInAsAdminAsync();
        await admin.CreateSaleAsync(sku, price: 100m, salePrice: 60m, stock: 5);
        var customer = await system.Client.SignInAsync(system.Customers.Next());

        var product = await customer.GetProductAsync(sku);
        var placed = await customer.PlaceOrderAsync(sku, quantity: 2);

        Assert.Equal((60m, true), (product.EffectivePrice, product.OnSale));
        Assert.Equal(("AwaitingPayment", 120m, "EUR", customer.UserName), (placed.Status, placed.Total, placed.Currency, placed.CustomerId));

        var confirmed = await system.WriteModelOrderOnceAsync(placed.Id, "Confirmed");
        var details = await customer.OrderOnceAsync(placed.Id, "Confirmed");
        var listed = Assert.Single((await customer.ListOrdersAsync()).Items);
        var figures = await admin.SaleFiguresOnceAsync(sku, f => f.ConfirmedOrders == 1 && f.RemainingStock == 3, "one confirmed order");

        Assert.Equal(2, confirmed.Version);
        Assert.NotNull(confirmed.PaymentId);
        Assert.Equal(("Succeeded", confirmed.PaymentId, 120m), (details!.Payment.Status, details.Payment.PaymentId, details.Payment.Amount));
        Assert.Equal([new OrderLineView(sku, 2, 60m)], details.Lines);
        Assert.Equal((placed.Id, "Confirmed", 2, "Succeeded"), (listed.OrderId, listed.Status, listed.ItemCount, listed.PaymentStatus));
        Assert.Equal(($"Product {sku}", 2, 120m, 0), (figures!.ProductName, figures.UnitsSold, figures.Revenue["EUR"], figures.CancelledOrders));
        Assert.Equal(new StockLevels(sku, 3, 0, 2), await admin.GetStockAsync(sku));
        var charge = Assert.Single((await system.PaymentLedgerAsync(placed.Id)).Charges);
        Assert.Equal((120m, "EUR", confirmed.PaymentId), (charge.Amount, charge.Currency, charge.Outcome));
        Assert.Single(system.Events<OrderConfirmed>(Topics.Orders), e => e.OrderId == placed.Id);
        Assert.Empty(system.DeadLettersAbout(placed.Id));
        // Nor did the stand-in have to ignore a subscription or fail inside a delivery, for anyone.
        Assert.Empty(system.Sidecar.PubSub.Warnings);
    }
}

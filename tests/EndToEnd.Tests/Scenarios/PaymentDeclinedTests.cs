using FlashSale.EndToEnd.Tests.Fixture;

namespace FlashSale.EndToEnd.Tests.Scenarios;

public sealed class PaymentDeclinedTests(SystemFixture system)
{
    [Fact]
    public async Task A_declined_card_cancels_the_order_puts_its_stock_back_and_the_dashboard_counts_it_as_cancelled()
    {
        var sku = Sku.New("DECLINED");
        var admin = await system.Client.SignInAsAdminAsync();
        await admin.CreateSaleAsync(sku, price: 50m, salePrice: 30m, stock: 4);
        var name = system.Customers.Next();
        system.DeclineCardsOf(name);
        var customer = await system.Client.SignInAsync(name);

        var placed = await customer.PlaceOrderAsync(sku, quantity: 3);

        var cancelled = await system.WriteModelOrderOnceAsync(placed.Id, "Cancelled");
        var details = await customer.OrderOnceAsync(placed.Id, "Cancelled");
        await admin.StockOnceAsync(sku, new StockLevels(sku, 4, 0, 0));
        // The stock figure comes from inventory's StockChanged, on another topic than the cancel: wait for both.
        var figures = await admin.SaleFiguresOnceAsync(sku, f => f is { CancelledOrders: 1, RemainingStock: 4 }, "one cancelled order and the stock back");

        Assert.Equal("payment failed: card declined", cancelled.CancellationReason);
        Assert.Null(cancelled.PaymentId);
        Assert.Equal(("Failed", "card declined"), (details!.Payment.Status, details.Payment.FailureReason));
        Assert.Equal((0, 0, 0m, 4), (figures!.ConfirmedOrders, figures.UnitsSold, figures.Revenue.GetValueOrDefault("EUR"), figures.RemainingStock));
        Assert.Equal("card declined", Assert.Single((await system.PaymentLedgerAsync(placed.Id)).Charges).Outcome);
    }
}

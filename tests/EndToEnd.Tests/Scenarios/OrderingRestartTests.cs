using FlashSale.Contracts;
using FlashSale.Contracts.Orders;
using FlashSale.Contracts.Payments;
using FlashSale.EndToEnd.Tests.Fixture;

namespace FlashSale.EndToEnd.Tests.Scenarios;

/// <summary>
/// ordering's process dies right after accepting an order: payment charges it and announces the outcome, which waits
/// in its partition while ordering is gone. A new ordering process, with nothing but the stores, finishes the saga.
/// </summary>
[Collection(SystemWideScenarios.Name)]
public sealed class OrderingRestartTests(SystemFixture system)
{
    [Fact]
    public async Task An_order_whose_saga_is_cut_by_an_ordering_restart_completes_exactly_once()
    {
        await system.SettleAsync();
        var sku = Sku.New("RESTART");
        var admin = await system.Client.SignInAsAdminAsync();
        await admin.CreateSaleAsync(sku, price: 90m, salePrice: 45m, stock: 4);
        var customer = await system.Client.SignInAsync(system.Customers.Next());

        var order = await customer.PlaceOrderAsync(sku, quantity: 1);
        await system.StopOrderingAsync();
        try
        {
            // The rest of the system goes on: the customer is charged, and the read side already knows.
            var paid = await customer.OrderOnceAsync(order.Id, "AwaitingPayment");
            await Eventually.MatchesAsync(() => customer.FindOrderAsync(order.Id), o => o?.Payment.Status == "Succeeded", "the payment to be seen", cancellationToken: TestContext.Current.CancellationToken);
            Assert.Single(system.Events<PaymentSucceeded>(Topics.Payments), e => e.OrderId == order.Id);
            Assert.Equal(new StockLevels(sku, 3, 1, 0), await admin.GetStockAsync(sku));
            Assert.NotNull(paid);
        }
        finally
        {
            await system.StartOrderingAsync();
        }

        var confirmed = await system.WriteModelOrderOnceAsync(order.Id, "Confirmed");
        await customer.OrderOnceAsync(order.Id, "Confirmed");
        await admin.StockOnceAsync(sku, new StockLevels(sku, 3, 0, 1));
        await system.SettleAsync();

        Assert.Equal(2, confirmed.Version);
        Assert.Single(system.Events<OrderConfirmed>(Topics.Orders), e => e.OrderId == order.Id);
        Assert.DoesNotContain(system.Events<RefundRequested>(Topics.Orders), e => e.OrderId == order.Id);
        Assert.Equal(confirmed.PaymentId, Assert.Single((await system.PaymentLedgerAsync(order.Id)).Charges).Outcome);
        var figures = (await admin.FindSaleFiguresAsync(sku))!;
        Assert.Equal((1, 1, 45m), (figures.ConfirmedOrders, figures.UnitsSold, figures.Revenue["EUR"]));
        Assert.Empty(system.DeadLettersAbout(order.Id));
    }
}

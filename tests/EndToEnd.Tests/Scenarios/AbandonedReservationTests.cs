using FlashSale.EndToEnd.Tests.Fixture;

namespace FlashSale.EndToEnd.Tests.Scenarios;

/// <summary>
/// payment is down, so nobody ever answers for an order: its reservation's reminder (10 minutes, on the actor
/// stand-in's clock) gives the stock back and the saga cancels the order. When payment returns to its backlog it
/// charges the long-cancelled order, and the saga has that charge refunded.
/// </summary>
[Collection(SystemWideScenarios.Name)]
public sealed class AbandonedReservationTests(SystemFixture system)
{
    [Fact]
    public async Task A_reservation_nobody_pays_for_is_released_by_the_sweep_and_the_order_cancelled()
    {
        await system.SettleAsync();
        var sku = Sku.New("ABANDONED");
        var admin = await system.Client.SignInAsAdminAsync();
        await admin.CreateSaleAsync(sku, price: 70m, salePrice: 35m, stock: 3);
        var customer = await system.Client.SignInAsync(system.Customers.Next());
        var cancellation = TestContext.Current.CancellationToken;

        system.Sidecar.StopApp("payment");
        PlacedOrder order;
        try
        {
            order = await customer.PlaceOrderAsync(sku, quantity: 2);
            await customer.OrderOnceAsync(order.Id, "AwaitingPayment");
            Assert.Equal(new StockLevels(sku, 1, 2, 0), await admin.GetStockAsync(sku));

            // The SKU's sweep runs before the time is up and leaves the reservation alone.
            system.ActorClock.Advance(SystemFixture.ReservationTimeout - TimeSpan.FromSeconds(1));
            await system.Actors.FireDueRemindersAsync(cancellation);
            Assert.Equal(new StockLevels(sku, 1, 2, 0), await admin.GetStockAsync(sku));
            Assert.Equal("AwaitingPayment", system.WriteModelOrder(order.Id).Status);

            // The first sweep after it expires the reservation.
            system.ActorClock.Advance(SystemFixture.SweepInterval + TimeSpan.FromSeconds(1));
            var due = await system.Actors.FireDueRemindersAsync(cancellation);
            Assert.True(Assert.Single(due, firing => firing.Reminder.Actor.Id == sku).Succeeded);

            var cancelled = await system.WriteModelOrderOnceAsync(order.Id, "Cancelled");
            // OrderCancelled and ReservationExpired travel on different topics: the view may show either first.
            var view = await Eventually.MatchesAsync(() => customer.FindOrderAsync(order.Id),
                o => o?.Status == "Cancelled" && o.ExpiredReservations.Count > 0, "the view to show the cancel and the expiry",
                cancellationToken: cancellation);
            await admin.StockOnceAsync(sku, new StockLevels(sku, 3, 0, 0));
            // The stock figure comes from inventory's StockChanged, on another topic than the cancel: wait for both.
            var figures = await admin.SaleFiguresOnceAsync(sku, f => f is { CancelledOrders: 1, RemainingStock: 3 }, "one cancelled order and the stock back");

            Assert.Equal("reservation expired", cancelled.CancellationReason);
            Assert.Equal([new ExpiredReservation(sku, 2)], view!.ExpiredReservations);
            Assert.Equal("Pending", view.Payment.Status);
            Assert.Equal((2, 0, 3), (figures!.ExpiredReservationUnits, figures.UnitsSold, figures.RemainingStock));
            Assert.Empty((await system.PaymentLedgerAsync(order.Id)).Charges);
        }
        finally
        {
            await system.Sidecar.RestartAppAsync("payment", cancellationToken: cancellation);
        }

        // payment works through its backlog: the late charge is refunded and the order stays cancelled.
        var refunded = await Eventually.MatchesAsync(() => customer.FindOrderAsync(order.Id), o => o?.Payment.Status == "Refunded",
            "the late charge to be refunded", cancellationToken: TestContext.Current.CancellationToken);
        await system.SettleAsync();
        var ledger = await system.PaymentLedgerAsync(order.Id);
        Assert.Equal(Assert.Single(ledger.Charges).ChargeId, Assert.Single(ledger.Refunds).ChargeId);
        Assert.Equal("Cancelled", system.WriteModelOrder(order.Id).Status);
        Assert.Equal("Cancelled", refunded!.Status);
        Assert.Equal(new StockLevels(sku, 3, 0, 0), await admin.GetStockAsync(sku));
        Assert.Empty(system.DeadLettersAbout(order.Id));
    }
}

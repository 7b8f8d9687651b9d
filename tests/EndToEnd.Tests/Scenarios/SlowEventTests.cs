using FlashSale.Contracts;
using ReservationExpired = FlashSale.Contracts.Inventory.ReservationExpired;
using FlashSale.Contracts.Payments;
using FlashSale.EndToEnd.Tests.Fixture;

namespace FlashSale.EndToEnd.Tests.Scenarios;

/// <summary>
/// Events that come late, in the order a busy cluster delivers them (docs/adr/0021). A buyer's payment goes through,
/// but <c>PaymentSucceeded</c> is held up until the reservation has expired; the expiry's own event is held too, or
/// arrives first. Whatever the order, nothing is oversold and no money is kept for units that were not sold: the units
/// sold equal the units of Confirmed orders, available + reserved + sold equals the stock set, and every charge of a
/// cancelled order is refunded. The system runs on the platform's modelled timing, so every hop takes Dapr's time.
/// </summary>
[Collection(SystemWideScenarios.Name)]
public sealed class SlowEventTests(ModelledTimingSystem modelled) : IClassFixture<ModelledTimingSystem>
{
    private readonly SystemFixture _system = modelled.System;

    private CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_payment_that_arrives_after_the_expired_units_were_sold_to_another_buyer_is_refunded_and_the_order_cancelled()
    {
        var (sku, admin) = await SaleAsync("LATE-PAID-GONE", stock: 1);
        var late = await _system.Client.SignInAsync(_system.Customers.Next());
        var next = await _system.Client.SignInAsync(_system.Customers.Next());

        HoldEvents();
        try
        {
            var first = await PaidButUnheardAsync(late, sku);
            await ExpireReservationsAsync(sku);
            Assert.Equal(new StockLevels(sku, 1, 0, 0), await admin.GetStockAsync(sku));
            var second = await next.PlaceOrderAsync(sku, quantity: 1);

            // The late payment is handled while its expiry is still on the way: the unit is held by the second buyer.
            _system.Sidecar.Faults.ReleaseTopic(Topics.Payments);
            var cancelled = await _system.WriteModelOrderOnceAsync(first.Id, "Cancelled");
            await _system.WriteModelOrderOnceAsync(second.Id, "Confirmed");
            _system.Sidecar.Faults.ReleaseTopic(Topics.Inventory);
            await _system.SettleAsync();

            Assert.Equal("sold out before the payment arrived", cancelled.CancellationReason);
            await AssertSettledAsync(admin, sku, stock: 1, confirmed: [second.Id], cancelled: [first.Id]);
        }
        finally
        {
            _system.Sidecar.Faults.Reset();
        }
    }

    [Fact]
    public async Task A_payment_that_arrives_after_its_reservation_expired_takes_the_units_again_while_they_are_free()
    {
        var (sku, admin) = await SaleAsync("LATE-PAID-FREE", stock: 2);
        var late = await _system.Client.SignInAsync(_system.Customers.Next());

        HoldEvents();
        try
        {
            var order = await PaidButUnheardAsync(late, sku);
            await ExpireReservationsAsync(sku);
            Assert.Equal(new StockLevels(sku, 2, 0, 0), await admin.GetStockAsync(sku));

            _system.Sidecar.Faults.ReleaseTopic(Topics.Payments);
            await _system.WriteModelOrderOnceAsync(order.Id, "Confirmed");
            // The expiry arrives after the confirmation and changes nothing.
            _system.Sidecar.Faults.ReleaseTopic(Topics.Inventory);
            await _system.SettleAsync();

            Assert.Single(_system.Events<ReservationExpired>(Topics.Inventory), expired => expired.OrderId == order.Id);
            await AssertSettledAsync(admin, sku, stock: 2, confirmed: [order.Id], cancelled: []);
        }
        finally
        {
            _system.Sidecar.Faults.Reset();
        }
    }

    [Fact]
    public async Task An_expiry_that_arrives_before_the_late_payment_cancels_the_order_and_the_payment_is_refunded()
    {
        var (sku, admin) = await SaleAsync("EXPIRED-FIRST", stock: 1);
        var late = await _system.Client.SignInAsync(_system.Customers.Next());

        _system.Sidecar.Faults.HoldTopic(Topics.Payments);
        try
        {
            var order = await PaidButUnheardAsync(late, sku);
            await ExpireReservationsAsync(sku);
            await _system.WriteModelOrderOnceAsync(order.Id, "Cancelled");

            _system.Sidecar.Faults.ReleaseTopic(Topics.Payments);
            await Eventually.MatchesAsync(() => late.FindOrderAsync(order.Id), view => view?.Payment.Status == "Refunded",
                "the late charge to be refunded", cancellationToken: Cancellation);
            await _system.SettleAsync();

            Assert.Equal("reservation expired", _system.WriteModelOrder(order.Id).CancellationReason);
            await AssertSettledAsync(admin, sku, stock: 1, confirmed: [], cancelled: [order.Id]);
        }
        finally
        {
            _system.Sidecar.Faults.Reset();
        }
    }

    private async Task<(string Sku, Admin Admin)> SaleAsync(string name, int stock)
    {
        await _system.SettleAsync();
        var sku = Sku.New(name);
        var admin = await _system.Client.SignInAsAdminAsync();
        await admin.CreateSaleAsync(sku, price: 40m, salePrice: 20m, stock: stock);
        return (sku, admin);
    }

    // Neither the payment's outcome nor the reservation's expiry reaches ordering until a test releases it.
    private void HoldEvents()
    {
        _system.Sidecar.Faults.HoldTopic(Topics.Payments);
        _system.Sidecar.Faults.HoldTopic(Topics.Inventory);
    }

    /// <summary>Places an order and waits until payment has charged it and published that, unheard by ordering.</summary>
    private async Task<PlacedOrder> PaidButUnheardAsync(Shopper buyer, string sku)
    {
        var order = await buyer.PlaceOrderAsync(sku, quantity: 1);
        await Eventually.MatchesAsync(() => Task.FromResult(_system.Events<PaymentSucceeded>(Topics.Payments).Any(paid => paid.OrderId == order.Id)),
            published => published, $"payment of {order.Id} to be published", cancellationToken: Cancellation);
        Assert.Equal("AwaitingPayment", _system.WriteModelOrder(order.Id).Status);
        return order;
    }

    /// <summary>Moves the actors' clock past the reservation timeout and lets the SKU's sweep run.</summary>
    private async Task ExpireReservationsAsync(string sku)
    {
        _system.ActorClock.Advance(SystemFixture.ReservationTimeout + SystemFixture.SweepInterval + TimeSpan.FromSeconds(1));
        var due = await _system.Actors.FireDueRemindersAsync(Cancellation);
        Assert.True(Assert.Single(due, firing => firing.Reminder.Actor.Id == sku).Succeeded);
    }

    private async Task AssertSettledAsync(Admin admin, string sku, int stock, IReadOnlyList<string> confirmed, IReadOnlyList<string> cancelled)
    {
        var levels = await admin.GetStockAsync(sku);
        var orders = confirmed.Concat(cancelled).Select(_system.WriteModelOrder).ToArray();
        var soldToConfirmed = orders.Where(order => order.Status == "Confirmed").Sum(order => order.Lines.Single().Quantity);

        Assert.Equal(confirmed, orders.Where(order => order.Status == "Confirmed").Select(order => order.Id));
        Assert.Equal(cancelled, orders.Where(order => order.Status == "Cancelled").Select(order => order.Id));
        Assert.Equal(soldToConfirmed, levels.Sold);
        Assert.Equal(stock, levels.Available + levels.Reserved + levels.Sold);
        var ledgers = await _system.PaymentLedgersAsync(confirmed.Concat(cancelled));
        Assert.All(confirmed, id => Assert.Equal((1, 0), (ledgers[id].Charges.Count, ledgers[id].Refunds.Count)));
        Assert.All(cancelled, id => Assert.Equal((1, 1), (ledgers[id].Charges.Count, ledgers[id].Refunds.Count)));
        Assert.Empty(confirmed.Concat(cancelled).SelectMany(_system.DeadLettersAbout));
    }
}

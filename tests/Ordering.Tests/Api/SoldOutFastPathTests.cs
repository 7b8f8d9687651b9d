using System.Net;
using FlashSale.Contracts.Payments;
using FlashSale.Messaging;
using FlashSale.Ordering.Infrastructure;
using FlashSale.TestSupport;

namespace FlashSale.Ordering.Tests.Api;

/// <summary>
/// Ordering refuses a SKU it has just heard is sold out without asking its stock actor (docs/adr/0020), but only when
/// no units are left even in reservations, and only for a short while: a last unit that is merely reserved can still
/// come back, and so can a restock.
/// </summary>
public sealed class SoldOutFastPathTests(OrderingFactory factory) : OrderingTest(factory)
{
    private readonly CloudEventPoster _sidecar = new(factory.CreateClient());

    [Fact]
    public async Task The_last_unit_is_refused_without_the_actor_only_once_it_is_sold_and_only_until_the_verdict_is_stale()
    {
        var stock = NewSku(10m, stock: 1, out var sku);
        var abandoned = await PlaceOkAsync(NewCustomer(), (sku, 1));

        // Reserved is not sold: the actor is asked, and a reservation that expires gives the unit to the next buyer.
        await AssertSoldOutAsync(sku);
        Assert.Equal(2, stock.ReserveCalls);
        stock.Expire(abandoned.Id);
        var buyer = await PlaceOkAsync(NewCustomer(), (sku, 1));
        var paid = await _sidecar.DeliverAsync(new PaymentSucceeded(buyer.Id, "pay-last", 10m, "EUR", DateTimeOffset.UtcNow),
            cancellationToken: Cancellation);
        Assert.Equal(1, stock.SoldTo(buyer.Id));
        var callsWhenSold = stock.ReserveCalls;

        // Sold out for good: refused here, the actor is not asked again until the verdict is a second old, and a
        // refused attempt leaves nothing stored.
        await RelayedAsync();
        var keysWhenSold = Dapr.Store(OrderingFactory.OrdersStore).Keys.Count;
        await AssertSoldOutAsync(sku);
        await AssertSoldOutAsync(sku);
        Assert.Equal(callsWhenSold, stock.ReserveCalls);
        Assert.Equal(keysWhenSold, Dapr.Store(OrderingFactory.OrdersStore).Keys.Count);
        Factory.Clock.Advance(StockSignals.Freshness);
        await AssertSoldOutAsync(sku);
        Assert.Equal(callsWhenSold + 1, stock.ReserveCalls);

        // A restock is seen once the verdict has gone stale.
        await stock.SetStockAsync(1);
        Factory.Clock.Advance(StockSignals.Freshness);
        await PlaceOkAsync(NewCustomer(), (sku, 1));
        Assert.Equal(EventOutcome.Success, paid.Outcome);
    }

    private async Task AssertSoldOutAsync(string sku)
    {
        using var response = await PlaceAsync(NewCustomer(), NewKey(), Body((sku, 1)));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("Sold out", (await ProblemOf(response)).Title);
    }
}

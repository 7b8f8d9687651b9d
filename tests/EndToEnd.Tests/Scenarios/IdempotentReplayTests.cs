using System.Net;
using FlashSale.Contracts;
using FlashSale.Contracts.Orders;
using FlashSale.EndToEnd.Tests.Fixture;

namespace FlashSale.EndToEnd.Tests.Scenarios;

/// <summary>
/// The payment provider is slow, the customer's app does not see its order confirmed and sends the order again, with
/// the same Idempotency-Key, several times and even at the same moment. One order, one charge.
/// </summary>
[Collection(SystemWideScenarios.Name)]
public sealed class IdempotentReplayTests(SystemFixture system)
{
    private static readonly TimeSpan SlowProvider = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Replaying_an_order_with_its_Idempotency_Key_while_payment_is_slow_places_one_order_and_charges_once()
    {
        await system.SettleAsync();
        var sku = Sku.New("REPLAY");
        var admin = await system.Client.SignInAsAdminAsync();
        await admin.CreateSaleAsync(sku, price: 60m, salePrice: 30m, stock: 5);
        var customer = await system.Client.SignInAsync(system.Customers.Next());
        var key = Guid.NewGuid().ToString();

        system.SetProviderLatency(SlowProvider);
        List<HttpResponseMessage> burst;
        PlacedOrder replayed;
        try
        {
            burst = [.. await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => customer.PlaceOrderAsync(sku, 1, key)))];
            using var replay = await customer.PlaceOrderAsync(sku, 1, key);
            replayed = await replay.ReadAsync<PlacedOrder>(HttpStatusCode.Created);
        }
        finally
        {
            system.SetProviderLatency(SystemFixture.DefaultProviderLatency);
        }

        var placed = new List<PlacedOrder>();
        foreach (var response in burst)
        {
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    placed.Add(await response.ReadAsync<PlacedOrder>(HttpStatusCode.Created));
                }
                else
                {
                    Assert.Equal("Order in progress", (await response.ReadProblemAsync(HttpStatusCode.Conflict)).Title);
                    Assert.Equal(["1"], response.Headers.GetValues("Retry-After"));
                }
            }
        }

        var orderId = Assert.Single(placed.Select(order => order.Id).Append(replayed.Id).Distinct());
        // The replay came while the payment was still under way, and got the order as it stood.
        Assert.Equal("AwaitingPayment", replayed.Status);
        await system.WriteModelOrderOnceAsync(orderId, "Confirmed");
        await customer.OrderOnceAsync(orderId, "Confirmed");
        using var afterwards = await customer.PlaceOrderAsync(sku, 1, key);
        var late = await afterwards.ReadAsync<PlacedOrder>(HttpStatusCode.Created);
        Assert.Equal((orderId, "Confirmed"), (late.Id, late.Status));
        await system.SettleAsync();

        Assert.Single(system.StoredOrdersOf(customer.UserName));
        Assert.Single(system.Events<OrderPlaced>(Topics.Orders), e => e.CustomerId == customer.UserName);
        Assert.Single((await system.PaymentLedgerAsync(orderId)).Charges);
        Assert.Equal(1, (await customer.ListOrdersAsync()).TotalCount);
        Assert.Equal(new StockLevels(sku, 4, 0, 1), await admin.GetStockAsync(sku));
        Assert.Empty(system.DeadLettersAbout(orderId));
    }
}

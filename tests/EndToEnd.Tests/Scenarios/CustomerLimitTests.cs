using System.Net;
using FlashSale.EndToEnd.Tests.Fixture;

namespace FlashSale.EndToEnd.Tests.Scenarios;

/// <summary>
/// A sale of at most 3 units per customer. One customer's bot fires 50 orders at once; the limit holds across orders in
/// progress, other customers still buy, and units the customer gives back (an expired reservation) count again.
/// </summary>
[Collection(SystemWideScenarios.Name)]
public sealed class CustomerLimitTests(SystemFixture system)
{
    private const int Limit = 3;

    [Fact]
    public async Task Fifty_parallel_orders_of_one_customer_get_the_limit_and_the_rest_a_409_naming_it()
    {
        var (sku, admin) = await LimitedSaleAsync("LIMITED", stock: 100);
        var bot = await system.Client.SignInAsync(system.Customers.Next());
        var other = await system.Client.SignInAsync(system.Customers.Next());

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => bot.PlaceOrderAsync(sku, 1, Guid.NewGuid().ToString())));
        var placed = new List<PlacedOrder>();
        var refusals = new List<Problem>();
        foreach (var response in responses)
        {
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    placed.Add(await response.ReadAsync<PlacedOrder>(HttpStatusCode.Created));
                }
                else
                {
                    refusals.Add(await response.ReadProblemAsync(HttpStatusCode.Conflict));
                }
            }
        }

        var othersOrder = await other.PlaceOrderAsync(sku, quantity: Limit);
        await system.SettleAsync();

        Assert.Equal(Limit, placed.Count);
        Assert.Equal(50 - Limit, refusals.Count);
        Assert.All(refusals, problem =>
        {
            Assert.Equal(("Limit per customer reached", Limit), (problem.Title, problem.Limit));
            Assert.Equal([sku], problem.Skus);
            Assert.Contains($"at most {Limit}", problem.Detail);
        });
        var settled = placed.Append(othersOrder).Select(order => system.WriteModelOrder(order.Id)).ToArray();
        Assert.All(settled, order => Assert.Equal("Confirmed", order.Status));
        Assert.Equal(new StockLevels(sku, 100 - 2 * Limit, 0, 2 * Limit), await admin.GetStockAsync(sku));
        Assert.Equal(Limit, system.StoredOrdersOf(bot.UserName).Count);
    }

    [Fact]
    public async Task Units_of_an_order_that_was_cancelled_count_for_the_customer_again()
    {
        var (sku, admin) = await LimitedSaleAsync("LIMIT-BACK", stock: 10);
        var customer = await system.Client.SignInAsync(system.Customers.Next());
        var cancellation = TestContext.Current.CancellationToken;

        system.Sidecar.StopApp("payment");
        try
        {
            var unpaid = await customer.PlaceOrderAsync(sku, quantity: Limit);
            using (var over = await customer.PlaceOrderAsync(sku, 1, Guid.NewGuid().ToString()))
            {
                Assert.Equal(Limit, (await over.ReadProblemAsync(HttpStatusCode.Conflict)).Limit);
            }

            // Nobody pays: the sweep expires the reservation, the order is cancelled and the units count again.
            system.ActorClock.Advance(SystemFixture.ReservationTimeout + SystemFixture.SweepInterval + TimeSpan.FromSeconds(1));
            await system.Actors.FireDueRemindersAsync(cancellation);
            await system.WriteModelOrderOnceAsync(unpaid.Id, "Cancelled");
        }
        finally
        {
            await system.Sidecar.RestartAppAsync("payment", cancellationToken: cancellation);
        }

        var again = await customer.PlaceOrderAsync(sku, quantity: Limit);
        await system.WriteModelOrderOnceAsync(again.Id, "Confirmed");
        await system.SettleAsync();

        Assert.Equal(new StockLevels(sku, 10 - Limit, 0, Limit), await admin.GetStockAsync(sku));
    }

    private async Task<(string Sku, Admin Admin)> LimitedSaleAsync(string name, int stock)
    {
        await system.SettleAsync();
        var sku = Sku.New(name);
        var admin = await system.Client.SignInAsAdminAsync();
        await admin.CreateSaleAsync(sku, price: 30m, salePrice: 15m, stock: stock, perCustomerLimit: Limit);
        return (sku, admin);
    }
}

using System.Text.Json;
using FlashSale.Contracts;
using FlashSale.EndToEnd.Tests.Fixture;
using FlashSale.TestSupport.Sidecar;

namespace FlashSale.EndToEnd.Tests.Scenarios;

/// <summary>
/// order-query is down while orders go through the whole saga, then comes back to a backlog that the stand-in
/// delivers with pseudo-random delays: events about one order arrive in any order across topics and partitions
/// (outbox events have no partition key at all). The views must still end up right.
/// </summary>
[Collection(SystemWideScenarios.Name)]
public sealed class OutOfOrderDeliveryTests(SystemFixture system)
{
    private const decimal SalePrice = 12m;

    [Fact]
    public async Task Order_query_builds_the_right_views_from_a_backlog_delivered_out_of_order()
    {
        await system.SettleAsync();
        var sku = Sku.New("REORDER");
        var admin = await system.Client.SignInAsAdminAsync();
        await admin.CreateSaleAsync(sku, price: 20m, salePrice: SalePrice, stock: 10);
        var purchases = new List<Purchase>();
        foreach (var (quantity, declined) in new[] { (2, false), (1, true), (1, false), (3, false), (1, true), (1, false) })
        {
            var name = system.Customers.Next();
            if (declined)
            {
                system.DeclineCardsOf(name);
            }

            purchases.Add(new Purchase(await system.Client.SignInAsync(name), quantity, declined ? "Cancelled" : "Confirmed"));
        }

        system.Sidecar.StopApp("order-query");
        try
        {
            foreach (var purchase in purchases)
            {
                purchase.Order = await purchase.Customer.PlaceOrderAsync(sku, purchase.Quantity);
            }

            foreach (var purchase in purchases)
            {
                await system.WriteModelOrderOnceAsync(purchase.Order!.Id, purchase.Status);
            }

            await admin.StockOnceAsync(sku, new StockLevels(sku, 3, 0, 7));
            system.Sidecar.Faults.ReorderWindow = TimeSpan.FromMilliseconds(200);
            system.Sidecar.Faults.ReorderAcrossPartitions = true;
        }
        finally
        {
            await system.Sidecar.RestartAppAsync("order-query", cancellationToken: TestContext.Current.CancellationToken);
        }

        try
        {
            await system.SettleAsync();
        }
        finally
        {
            system.Sidecar.Faults.Reset();
        }

        Assert.True(Overtaken(purchases.Select(purchase => purchase.Order!.Id).ToHashSet()),
            "no event about these orders overtook an earlier one on its way to order-query: the scenario proved nothing");
        foreach (var purchase in purchases)
        {
            var view = (await purchase.Customer.FindOrderAsync(purchase.Order!.Id))!;
            Assert.Equal((purchase.Status, 2L), (view.Status, view.Version));
            Assert.Equal([new OrderLineView(sku, purchase.Quantity, SalePrice)], view.Lines);
            Assert.Equal(purchase.Quantity * SalePrice, view.Total);
            Assert.Equal(purchase.Status == "Confirmed" ? "Succeeded" : "Failed", view.Payment.Status);
            var listed = Assert.Single((await purchase.Customer.ListOrdersAsync()).Items);
            Assert.Equal((purchase.Order.Id, purchase.Status), (listed.OrderId, listed.Status));
        }

        var figures = (await admin.FindSaleFiguresAsync(sku))!;
        Assert.Equal((4, 2, 7, 7 * SalePrice), (figures.ConfirmedOrders, figures.CancelledOrders, figures.UnitsSold, figures.Revenue["EUR"]));
        Assert.Equal((3, 0), (figures.RemainingStock, figures.ReservedStock));
        Assert.Empty(system.DeadLettersAbout(sku));
        Assert.All(purchases, purchase => Assert.Empty(system.DeadLettersAbout(purchase.Order!.Id)));
    }

    /// <summary>Whether order-query received some event about one of the orders after an event published later.</summary>
    private bool Overtaken(IReadOnlySet<string> orderIds)
    {
        var received = system.Sidecar.PubSub.Deliveries
            .Where(delivery => delivery is { AppId: "order-query", Answer: AppAnswer.Success, Duplicate: false }
                && delivery.Topic is Topics.Orders or Topics.Payments)
            .Select(delivery => (Delivery: delivery, Message: system.Sidecar.PubSub.Messages(delivery.Topic)[(int)delivery.Offset]))
            .Select(received => (received.Delivery.At, received.Message.Timestamp, OrderId: OrderIdOf(received.Message)))
            .Where(received => received.OrderId is not null && orderIds.Contains(received.OrderId))
            .ToList();
        return received.GroupBy(e => e.OrderId).Any(order =>
            order.Any(earlier => order.Any(later => later.Timestamp > earlier.Timestamp && later.At < earlier.At)));
    }

    private static string? OrderIdOf(BrokerMessage message)
    {
        try
        {
            return message.Data<JsonElement>().TryGetProperty("orderId", out var id) ? id.GetString() : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private sealed class Purchase(Shopper customer, int quantity, string status)
    {
        public Shopper Customer { get; } = customer;

        public int Quantity { get; } = quantity;

        public string Status { get; } = status;

        public PlacedOrder? Order { get; set; }
    }
}

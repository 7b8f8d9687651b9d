using System.Net;
using System.Text;
using FlashSale.Contracts;
using FlashSale.Contracts.Orders;
using FlashSale.EndToEnd.Tests.Fixture;
using FlashSale.TestSupport.Sidecar;

namespace FlashSale.EndToEnd.Tests.Scenarios;

/// <summary>
/// payment runs as two replicas sharing its store and its consumer group, as in the production profile: each order's
/// events go to one of them, and a consumer-group rebalance can hand an order's message to the other replica while
/// the first is still handling it. Whichever replica handles it, and however many do at once, an order is charged
/// once and refunded once, as the provider's ledger (read through the gateway by an admin) shows.
/// </summary>
[Collection(SystemWideScenarios.Name)]
public sealed class PaymentReplicaTests(SystemFixture system)
{
    [Fact]
    public async Task Orders_settle_with_two_payment_replicas_each_charged_once_and_both_replicas_take_a_share()
    {
        await system.SettleAsync();
        var sku = Sku.New("REPLICAS");
        var admin = await system.Client.SignInAsAdminAsync();
        await admin.CreateSaleAsync(sku, price: 20m, salePrice: 10m, stock: 20);
        var customer = await system.Client.SignInAsync(system.Customers.Next());

        var orders = new List<PlacedOrder>();
        for (var i = 0; i < 16; i++)
        {
            orders.Add(await customer.PlaceOrderAsync(sku, quantity: 1));
        }

        foreach (var order in orders)
        {
            await system.WriteModelOrderOnceAsync(order.Id, "Confirmed");
        }

        await system.SettleAsync();
        var ledgers = await system.PaymentLedgersAsync(orders.Select(order => order.Id));
        foreach (var order in orders)
        {
            var confirmed = system.WriteModelOrder(order.Id);
            Assert.Equal(confirmed.PaymentId, Assert.Single(ledgers[order.Id].Charges).ChargeId);
            Assert.Empty(ledgers[order.Id].Refunds);
        }

        Assert.Equal(new StockLevels(sku, 4, 0, 16), await admin.GetStockAsync(sku));
        // Each order's events went to one replica (its partition's), and the orders were spread over both.
        var charged = PlacedDeliveries(orders.Select(order => order.Id)).ToList();
        Assert.All(charged.GroupBy(delivery => delivery.PartitionKey), order => Assert.Single(order.Select(delivery => delivery.Replica).Distinct()));
        Assert.Equal(system.PaymentReplicas.ToHashSet(), charged.Select(delivery => delivery.Replica).ToHashSet());
        Assert.Empty(orders.SelectMany(order => system.DeadLettersAbout(order.Id)));
    }

    [Fact]
    public async Task A_placed_order_delivered_to_both_replicas_at_once_is_charged_once()
    {
        var (sku, admin, name, customer) = await SaleOfFiveWithACustomerAsync("REPLICA-DUP");

        PlacedOrder order;
        using (system.Sidecar.Faults.DeliverToTwoReplicas("payment", message => Mentions(message, name)))
        {
            order = await customer.PlaceOrderAsync(sku, quantity: 2);
            await system.WriteModelOrderOnceAsync(order.Id, "Confirmed");
            await system.SettleAsync();
        }

        var confirmed = system.WriteModelOrder(order.Id);
        var payment = (await admin.FindPaymentAsync(order.Id))!;
        Assert.Equal(("Succeeded", confirmed.PaymentId, 30m), (payment.Status, payment.PaymentId, payment.Amount));
        Assert.Equal(confirmed.PaymentId, Assert.Single(payment.Charges).ChargeId);
        Assert.Equal(1, payment.ChargeAttempts);
        // Both replicas really were handed the order, and every payment announcement names the one charge.
        Assert.Equal(system.PaymentReplicas.ToHashSet(), PlacedDeliveries([order.Id]).Select(delivery => delivery.Replica).ToHashSet());
        Assert.All(system.Events<FlashSale.Contracts.Payments.PaymentSucceeded>(Topics.Payments).Where(e => e.OrderId == order.Id),
            succeeded => Assert.Equal(confirmed.PaymentId, succeeded.PaymentId));
        Assert.Equal(new StockLevels(sku, 3, 0, 2), await admin.GetStockAsync(sku));
        AssertNothingDeadLettered(order.Id);
    }

    [Fact]
    public async Task A_refund_delivered_to_both_replicas_at_once_is_refunded_once()
    {
        // payment is down while the customer cancels, so the charge it makes on its return comes after the cancel and
        // the saga asks for it back; the request reaches both replicas.
        var (sku, admin, name, customer) = await SaleOfFiveWithACustomerAsync("REPLICA-REFUND");

        PlacedOrder order;
        using (system.Sidecar.Faults.DeliverToTwoReplicas("payment", message => Mentions(message, name)))
        {
            system.Sidecar.StopApp("payment");
            try
            {
                order = await customer.PlaceOrderAsync(sku, quantity: 1);
                await customer.OrderOnceAsync(order.Id, "AwaitingPayment");
                using var cancel = await customer.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/orders/{order.Id}/cancel"));
                Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
            }
            finally
            {
                await system.Sidecar.RestartAppAsync("payment", cancellationToken: TestContext.Current.CancellationToken);
            }

            await Eventually.MatchesAsync(() => customer.FindOrderAsync(order.Id), o => o?.Payment.Status == "Refunded",
                "the late charge to be refunded", cancellationToken: TestContext.Current.CancellationToken);
            await system.SettleAsync();
        }

        var payment = (await admin.FindPaymentAsync(order.Id))!;
        Assert.Equal(("Refunded", 1, 1), (payment.Status, payment.ChargeAttempts, payment.RefundAttempts));
        var charge = Assert.Single(payment.Charges);
        var refund = Assert.Single(payment.Refunds);
        Assert.Equal((charge.ChargeId, 15m), (refund.ChargeId, refund.Amount));
        var refundType = CloudEventTypes.Of<RefundRequested>().Type;
        Assert.Equal(system.PaymentReplicas.ToHashSet(), system.Sidecar.PubSub.Deliveries
            .Where(delivery => delivery.AppId == "payment" && delivery.EventType == refundType && delivery.PartitionKey == order.Id)
            .Select(delivery => delivery.Replica).ToHashSet());
        Assert.Equal("Cancelled", system.WriteModelOrder(order.Id).Status);
        Assert.Equal(new StockLevels(sku, 5, 0, 0), await admin.GetStockAsync(sku));
        AssertNothingDeadLettered(order.Id);
    }

    /// <summary>A settled system, a sale of 5 units (30 EUR, 15 on sale) and a customer nobody else shops as.</summary>
    private async Task<(string Sku, Admin Admin, string Name, Shopper Customer)> SaleOfFiveWithACustomerAsync(string prefix)
    {
        await system.SettleAsync();
        var sku = Sku.New(prefix);
        var admin = await system.Client.SignInAsAdminAsync();
        await admin.CreateSaleAsync(sku, price: 30m, salePrice: 15m, stock: 5);
        var name = system.Customers.Next();
        return (sku, admin, name, await system.Client.SignInAsync(name));
    }

    private void AssertNothingDeadLettered(string orderId)
    {
        Assert.Empty(system.DeadLettersAbout(orderId));
        Assert.DoesNotContain(system.Sidecar.PubSub.Messages("orders.deadletter"), message => Mentions(message, orderId));
    }

    private IEnumerable<DeliveryRecord> PlacedDeliveries(IEnumerable<string> orderIds)
    {
        var placedType = CloudEventTypes.Of<OrderPlaced>().Type;
        var ids = orderIds.ToHashSet();
        return system.Sidecar.PubSub.Deliveries.Where(delivery =>
            delivery.AppId == "payment" && delivery.EventType == placedType && ids.Contains(delivery.PartitionKey ?? ""));
    }

    private static bool Mentions(BrokerMessage message, string text) =>
        Encoding.UTF8.GetString(message.Body).Contains(text, StringComparison.Ordinal);
}

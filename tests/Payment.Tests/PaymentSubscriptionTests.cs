using System.Net;
using System.Text.Json.Nodes;
using FlashSale.Contracts;
using FlashSale.Contracts.Orders;
using FlashSale.Messaging;
using FlashSale.Payment.Infrastructure;
using FlashSale.TestSupport;

namespace FlashSale.Payment.Tests;

/// <summary>The contract with the Dapr sidecar: what payment subscribes to, and what it answers to what it is sent.</summary>
public class PaymentSubscriptionTests(PaymentServiceFactory factory) : IClassFixture<PaymentServiceFactory>
{
    private readonly CloudEventPoster _sidecar = factory.CreateSidecar();

    [Fact]
    public async Task It_subscribes_to_orders_routing_by_event_type_with_a_dead_letter_topic()
    {
        var subscriptions = await _sidecar.SubscriptionsAsync(TestContext.Current.CancellationToken);

        var orders = Assert.Single(subscriptions);
        Assert.Equal(Topics.Orders, orders.Topic);
        Assert.Equal(PubSub.Name, orders.PubsubName);
        Assert.Equal("orders.deadletter", orders.DeadLetterTopic);
        Assert.Equal(
            [
                $"event.type == \"{CloudEventTypes.Of<OrderPlaced>().Type}\"",
                $"event.type == \"{CloudEventTypes.Of<RefundRequested>().Type}\"",
                $"event.type == \"{CloudEventTypes.Of<OrderConfirmed>().Type}\"",
                $"event.type == \"{CloudEventTypes.Of<OrderCancelled>().Type}\"",
            ],
            orders.Routes!.Rules!.Select(rule => rule.Match));
        Assert.NotNull(orders.Routes.Default);
    }

    [Fact]
    public async Task Order_transitions_payment_has_no_use_for_are_acknowledged_not_dead_lettered()
    {
        var confirmed = await _sidecar.DeliverAsync(
            new OrderConfirmed("order-1", "customer-1", "ch_1", 2, Orders.PlacedAt), cancellationToken: TestContext.Current.CancellationToken);
        var cancelled = await _sidecar.DeliverAsync(
            new OrderCancelled("order-2", "customer-1", "payment failed", 2, Orders.PlacedAt), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(EventOutcome.Success, confirmed.Outcome);
        Assert.Equal(EventOutcome.Success, cancelled.Outcome);
        Assert.Empty(factory.Dapr.Published);
    }

    [Fact]
    public async Task An_unknown_event_type_is_dropped_to_the_dead_letter_topic()
    {
        var delivery = await _sidecar.DeliverAsync(Topics.Orders, "flashsale.order.placed.v2", new JsonObject { ["orderId"] = "order-1" },
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, delivery.StatusCode);
        Assert.Equal(EventOutcome.Drop, delivery.Outcome);
    }

    [Fact]
    public async Task A_message_that_is_not_json_is_dropped()
    {
        var delivery = await _sidecar.PostRawAsync(Topics.Orders, "<order id='1'/>", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(EventOutcome.Drop, delivery.Outcome);
    }

    [Fact]
    public async Task An_order_placed_without_the_fields_its_contract_requires_is_dropped_and_charges_nothing()
    {
        var delivery = await _sidecar.DeliverAsync(Topics.Orders, CloudEventTypes.Of<OrderPlaced>().Type,
            new JsonObject { ["orderId"] = "order-broken", ["total"] = 10 }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(EventOutcome.Drop, delivery.Outcome);
        Assert.DoesNotContain(factory.Dapr.Store(PaymentStore.StoreName).Keys, key => key.EndsWith("order-broken", StringComparison.Ordinal));
    }
}

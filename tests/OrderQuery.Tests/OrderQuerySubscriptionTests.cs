using System.Text.Json.Nodes;
using FlashSale.Contracts;
using FlashSale.Contracts.Catalog;
using FlashSale.Contracts.Inventory;
using FlashSale.Contracts.Orders;
using FlashSale.Contracts.Payments;
using FlashSale.OrderQuery.Infrastructure;
using FlashSale.Messaging;
using FlashSale.TestSupport;

namespace FlashSale.OrderQuery.Tests;

/// <summary>The contract with the Dapr sidecar: what the read side subscribes to, and what it answers.</summary>
public class OrderQuerySubscriptionTests(OrderQueryFactory factory) : IClassFixture<OrderQueryFactory>
{
    private readonly CloudEventPoster _sidecar = factory.CreateSidecar();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task It_subscribes_to_every_topic_routing_each_known_type_with_dead_letter_topics()
    {
        var subscriptions = (await _sidecar.SubscriptionsAsync(Cancellation)).ToDictionary(s => s.Topic);

        Assert.Equal([Topics.Catalog, Topics.Inventory, Topics.Orders, Topics.Payments], subscriptions.Keys.Order());
        Assert.All(subscriptions.Values, s =>
        {
            Assert.Equal(PubSub.Name, s.PubsubName);
            Assert.Equal($"{s.Topic}.deadletter", s.DeadLetterTopic);
            Assert.NotNull(s.Routes?.Default);
        });
        Assert.Equal(Rules<OrderPlaced, OrderConfirmed, OrderCancelled, RefundRequested>(), Matches(subscriptions[Topics.Orders]));
        Assert.Equal(Rules<PaymentSucceeded, PaymentFailed, PaymentRefunded>(), Matches(subscriptions[Topics.Payments]));
        Assert.Equal(Rules<StockChanged, SoldOut, ReservationExpired>(), Matches(subscriptions[Topics.Inventory]));
        Assert.Equal(Rules<ProductUpdated, SaleScheduled, ProductDeleted, SaleCancelled>(), Matches(subscriptions[Topics.Catalog]));
    }

    [Fact]
    public async Task A_message_that_is_not_json_is_dropped()
    {
        var delivery = await _sidecar.PostRawAsync(Topics.Payments, "not json at all", cancellationToken: Cancellation);

        Assert.Equal(EventOutcome.Drop, delivery.Outcome);
    }

    [Fact]
    public async Task An_unknown_event_type_is_dropped()
    {
        var delivery = await _sidecar.DeliverAsync(Topics.Inventory, "flashsale.inventory.restocked.v1",
            new JsonObject { ["sku"] = Events.Sku }, cancellationToken: Cancellation);

        Assert.Equal(EventOutcome.Drop, delivery.Outcome);
    }

    [Fact]
    public async Task A_payload_breaking_its_contract_is_dropped()
    {
        var delivery = await _sidecar.DeliverAsync(Topics.Orders, CloudEventTypes.Of<OrderPlaced>().Type,
            new JsonObject { ["orderId"] = "order-1", ["lines"] = "two tees" }, cancellationToken: Cancellation);

        Assert.Equal(EventOutcome.Drop, delivery.Outcome);
    }

    [Fact]
    public async Task When_the_view_store_is_down_the_event_is_retried_and_applied_once_it_is_back()
    {
        var story = OrderStory.New();

        Delivery duringOutage;
        using (factory.Dapr.Store(ViewStore.StoreName).SimulateOutage())
        {
            duringOutage = await _sidecar.DeliverAsync(story.Placed, cancellationToken: Cancellation);
        }

        var afterwards = await _sidecar.DeliverAsync(story.Placed, cancellationToken: Cancellation);

        Assert.Equal((EventOutcome.Retry, EventOutcome.Success), (duringOutage.Outcome, afterwards.Outcome));
        Assert.NotNull(factory.Dapr.ReadState<JsonObject>(ViewStore.StoreName, ViewKeys.Order(story.OrderId)));
    }

    [Fact]
    public async Task A_few_write_conflicts_are_retried_in_process()
    {
        var story = OrderStory.New();
        factory.Dapr.Store(ViewStore.StoreName).InjectConflicts(ViewStore.MaxAttempts - 1);

        var delivery = await _sidecar.DeliverAsync(story.Placed, cancellationToken: Cancellation);

        Assert.Equal(EventOutcome.Success, delivery.Outcome);
        Assert.NotNull(factory.Dapr.ReadState<JsonObject>(ViewStore.StoreName, ViewKeys.Order(story.OrderId)));
    }

    [Fact]
    public async Task Persistent_write_conflicts_hand_the_event_back_to_dapr_to_retry()
    {
        var story = OrderStory.New();
        var store = factory.Dapr.Store(ViewStore.StoreName);
        store.InjectConflicts(ViewStore.MaxAttempts);

        var contended = await _sidecar.DeliverAsync(story.Placed, cancellationToken: Cancellation);
        var redelivered = await _sidecar.DeliverAsync(story.Placed, cancellationToken: Cancellation);

        Assert.Equal((EventOutcome.Retry, EventOutcome.Success), (contended.Outcome, redelivered.Outcome));
    }

    private static IReadOnlyList<string> Matches(DaprSubscription subscription) =>
        subscription.Routes!.Rules!.Select(rule => rule.Match).ToList();

    private static IReadOnlyList<string> Rules<T1, T2, T3>()
        where T1 : IIntegrationEvent where T2 : IIntegrationEvent where T3 : IIntegrationEvent =>
        [Rule<T1>(), Rule<T2>(), Rule<T3>()];

    private static IReadOnlyList<string> Rules<T1, T2, T3, T4>()
        where T1 : IIntegrationEvent where T2 : IIntegrationEvent where T3 : IIntegrationEvent where T4 : IIntegrationEvent =>
        [Rule<T1>(), Rule<T2>(), Rule<T3>(), Rule<T4>()];

    private static string Rule<T>() where T : IIntegrationEvent => $"event.type == \"{CloudEventTypes.Of<T>().Type}\"";
}

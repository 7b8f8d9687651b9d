using System.Text.Json.Nodes;
using FlashSale.Contracts;
using FlashSale.Contracts.Inventory;
using FlashSale.Contracts.Orders;
using FlashSale.Contracts.Payments;
using FlashSale.Messaging;
using FlashSale.Ordering.Domain;
using FlashSale.TestSupport;

namespace FlashSale.Ordering.Tests.Api;

/// <summary>The saga's reactions, driven by CloudEvents posted to the subscription routes as the sidecar would.</summary>
public sealed class SagaTests(OrderingFactory factory) : OrderingTest(factory)
{
    private readonly CloudEventPoster _sidecar = new(factory.CreateClient());

    [Fact]
    public async Task PaymentSucceeded_confirms_the_order_and_commits_its_stock_and_a_duplicate_changes_nothing()
    {
        var stock = NewSku(10m, stock: 5, out var sku);
        var order = await PlaceOkAsync(NewCustomer(), (sku, 2));
        var payment = new PaymentSucceeded(order.Id, "pay-1", 20m, "EUR", DateTimeOffset.UtcNow);

        Assert.Equal(EventOutcome.Success, await DeliverAsync(payment));

        var confirmed = StoredOrder(order.Id)!;
        Assert.Equal(OrderStatus.Confirmed, confirmed.Status);
        Assert.Equal(2, confirmed.Version);
        Assert.Equal(2, stock.SoldTo(order.Id));
        Assert.Equal(0, stock.ReservedFor(order.Id));
        // One turn of the SKU's actor: the commit that decided the confirmation is not repeated after the save.
        Assert.Equal(1, stock.CommitCalls);
        var published = Assert.Single(await EventsAboutAsync<OrderConfirmed>(order.Id));
        Assert.Equal(new OrderConfirmed(order.Id, order.CustomerId, "pay-1", 2, published.OccurredAt), published);
        // The relay publishes concurrently, so the two events may reach the broker in either order (docs/adr/0019).
        Assert.Equal(["flashsale.order.confirmed.v1", "flashsale.order.placed.v1"],
            (await PublishedAboutAsync(order.Id)).Select(message => message.CloudEventType).Order());

        Assert.Equal(EventOutcome.Success, await DeliverAsync(payment));

        Assert.Equivalent(confirmed, StoredOrder(order.Id), strict: true);
        Assert.Equal(2, (await PublishedAboutAsync(order.Id)).Count);
        Assert.Equal(2, stock.SoldTo(order.Id));
        // The redelivery finds the order confirmed and repeats only the idempotent commit, as for any settled order.
        Assert.Equal(2, stock.CommitCalls);
    }

    [Fact]
    public async Task PaymentFailed_cancels_the_order_and_releases_its_stock()
    {
        var stock = NewSku(10m, stock: 5, out var sku);
        var order = await PlaceOkAsync(NewCustomer(), (sku, 2));

        Assert.Equal(EventOutcome.Success, await DeliverAsync(new PaymentFailed(order.Id, "card declined", DateTimeOffset.UtcNow)));

        Assert.Equal(OrderStatus.Cancelled, StoredOrder(order.Id)!.Status);
        Assert.Equal(5, stock.Available);
        var cancelled = Assert.Single(await EventsAboutAsync<OrderCancelled>(order.Id));
        Assert.Equal("payment failed: card declined", cancelled.Reason);
        Assert.Equal(2, cancelled.Version);
    }

    [Fact]
    public async Task A_late_PaymentSucceeded_for_a_cancelled_order_requests_one_refund()
    {
        var stock = NewSku(10m, stock: 5, out var sku);
        var customer = NewCustomer();
        var order = await PlaceOkAsync(customer, (sku, 1));
        await Factory.CreateClientAs(customer, "customer").PostAsync($"/orders/{order.Id}/cancel", null, Cancellation);
        var payment = new PaymentSucceeded(order.Id, "pay-late", 10m, "EUR", DateTimeOffset.UtcNow);

        Assert.Equal(EventOutcome.Success, await DeliverAsync(payment));
        Assert.Equal(EventOutcome.Success, await DeliverAsync(payment));

        var refund = Assert.Single(await EventsAboutAsync<RefundRequested>(order.Id));
        Assert.Equal(new RefundRequested(order.Id, customer, "pay-late", 10m, "EUR", 3, refund.OccurredAt), refund);
        var stored = StoredOrder(order.Id)!;
        Assert.Equal(OrderStatus.Cancelled, stored.Status);
        Assert.Equal(3, stored.Version);
        Assert.Equal(5, stock.Available);
        Assert.Equal(0, stock.SoldTo(order.Id));
    }

    [Fact]
    public async Task ReservationExpired_cancels_an_unpaid_order_and_releases_its_other_lines()
    {
        var expiring = NewSku(10m, stock: 5, out var sku1);
        var other = NewSku(10m, stock: 5, out var sku2);
        var order = await PlaceOkAsync(NewCustomer(), (sku1, 1), (sku2, 2));
        // What the actor's sweep does when the reservation's time ran out: the units go back, then the event.
        expiring.Expire(order.Id);

        Assert.Equal(EventOutcome.Success, await DeliverAsync(new ReservationExpired(sku1, order.Id, 1, 7, DateTimeOffset.UtcNow)));

        var stored = StoredOrder(order.Id)!;
        Assert.Equal(OrderStatus.Cancelled, stored.Status);
        Assert.Equal("reservation expired", stored.CancellationReason);
        Assert.Equal(5, other.Available);
        Assert.Equal(5, expiring.Available);
        Assert.Equal("reservation expired", Assert.Single(await EventsAboutAsync<OrderCancelled>(order.Id)).Reason);
    }

    [Fact]
    public async Task ReservationExpired_for_a_confirmed_order_or_an_unknown_one_is_acknowledged_and_changes_nothing()
    {
        NewSku(10m, stock: 5, out var sku);
        var order = await PlaceOkAsync(NewCustomer(), (sku, 1));
        await DeliverAsync(new PaymentSucceeded(order.Id, "pay-1", 10m, "EUR", DateTimeOffset.UtcNow));
        var confirmed = StoredOrder(order.Id);

        Assert.Equal(EventOutcome.Success, await DeliverAsync(new ReservationExpired(sku, order.Id, 1, 9, DateTimeOffset.UtcNow)));
        Assert.Equal(EventOutcome.Success, await DeliverAsync(new ReservationExpired(sku, "no-such-order", 1, 10, DateTimeOffset.UtcNow)));

        Assert.Equivalent(confirmed, StoredOrder(order.Id), strict: true);
        Assert.Equal(2, (await PublishedAboutAsync(order.Id)).Count);
    }

    [Fact]
    public async Task An_etag_conflict_asks_for_a_retry_and_publishes_nothing_and_the_redelivery_applies()
    {
        var stock = NewSku(10m, stock: 5, out var sku);
        var order = await PlaceOkAsync(NewCustomer(), (sku, 1));
        var key = $"order-{order.Id}";
        var conflicts = 1;
        // Another writer updates the order between the handler's read and its transaction.
        Dapr.BeforeStateTransaction = (store, _) =>
        {
            if (Interlocked.Decrement(ref conflicts) == 0)
            {
                Dapr.WriteState(store, key, StoredOrder(order.Id));
            }
        };
        try
        {
            var payment = new PaymentSucceeded(order.Id, "pay-1", 10m, "EUR", DateTimeOffset.UtcNow);

            Assert.Equal(EventOutcome.Retry, await DeliverAsync(payment));
            Assert.Single(await PublishedAboutAsync(order.Id));
            Assert.Equal(OrderStatus.AwaitingPayment, StoredOrder(order.Id)!.Status);
            // The units are sold before the order is confirmed, so the redelivery only has to confirm.
            Assert.Equal(1, stock.SoldTo(order.Id));

            Assert.Equal(EventOutcome.Success, await DeliverAsync(payment));
            Assert.Equal(OrderStatus.Confirmed, StoredOrder(order.Id)!.Status);
            Assert.Single(await EventsAboutAsync<OrderConfirmed>(order.Id));
        }
        finally
        {
            Dapr.BeforeStateTransaction = null;
        }
    }

    [Fact]
    public async Task PaymentSucceeded_for_an_unknown_order_is_dead_lettered()
    {
        Assert.Equal(EventOutcome.Drop, await DeliverAsync(new PaymentSucceeded("no-such-order", "pay-1", 10m, "EUR", DateTimeOffset.UtcNow)));
    }

    [Fact]
    public async Task A_message_that_is_not_json_or_of_an_unknown_type_is_dropped()
    {
        Assert.Equal(EventOutcome.Drop,
            (await _sidecar.PostRawAsync("payments", "this is not json", routeOf: "flashsale.payment.succeeded.v1", cancellationToken: Cancellation)).Outcome);
        Assert.Equal(EventOutcome.Drop,
            (await _sidecar.DeliverAsync("payments", "flashsale.payment.teleported.v1", new JsonObject { ["orderId"] = "o-1" }, cancellationToken: Cancellation)).Outcome);
        Assert.Equal(EventOutcome.Drop,
            (await _sidecar.DeliverAsync("payments", "flashsale.payment.succeeded.v1", new JsonObject { ["unexpected"] = true }, cancellationToken: Cancellation)).Outcome);
    }

    [Fact]
    public async Task Other_event_types_of_the_subscribed_topics_are_acknowledged()
    {
        Assert.Equal(EventOutcome.Success, await DeliverAsync(new StockChanged("SKU-1", 4, 1, 0, 3, DateTimeOffset.UtcNow)));
        Assert.Equal(EventOutcome.Success, await DeliverAsync(new PaymentRefunded("o-1", "pay-1", 1m, "EUR", DateTimeOffset.UtcNow)));
    }

    [Fact]
    public async Task The_subscriptions_route_by_event_type_and_dead_letter_per_topic()
    {
        var subscriptions = await _sidecar.SubscriptionsAsync(Cancellation);

        foreach (var (topic, types) in new[]
        {
            ("payments", new[] { "flashsale.payment.succeeded.v1", "flashsale.payment.failed.v1" }),
            ("inventory", new[] { "flashsale.inventory.reservation-expired.v1" }),
        })
        {
            var subscription = subscriptions.Single(s => s.Topic == topic);
            Assert.Equal("pubsub", subscription.PubsubName);
            Assert.Equal($"{topic}.deadletter", subscription.DeadLetterTopic);
            var matches = subscription.Routes!.Rules!.Select(rule => rule.Match).ToList();
            Assert.All(types, type => Assert.Contains($"event.type == \"{type}\"", matches));
            Assert.NotNull(subscription.Routes.Default);
        }
    }

    private async Task<EventOutcome> DeliverAsync(IIntegrationEvent integrationEvent) =>
        (await _sidecar.DeliverAsync(integrationEvent, cancellationToken: Cancellation)).Outcome;
}

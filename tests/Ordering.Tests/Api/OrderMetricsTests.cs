using FlashSale.Contracts.Payments;
using FlashSale.Messaging;
using FlashSale.TestSupport;

namespace FlashSale.Ordering.Tests.Api;

/// <summary>
/// What an operator's dashboard would show of an order's life, read in-process from the meters the service exports
/// over OTLP (the names services/metrics.json declares), through the real HTTP API and the subscription routes.
/// </summary>
public sealed class OrderMetricsTests(OrderingFactory factory) : OrderingTest(factory)
{
    private const string OrderingMeter = "FlashSale.Ordering";

    private readonly CloudEventPoster _sidecar = new(factory.CreateClient());

    [Fact]
    public async Task A_placed_then_paid_order_counts_once_as_placed_and_once_as_confirmed_with_its_durations()
    {
        using var ordering = new MetricRecorder(Factory.Services, OrderingMeter);
        using var events = new MetricRecorder(Factory.Services, EventMetrics.MeterName);
        NewSku(10m, stock: 5, out var sku);

        var order = await PlaceOkAsync(NewCustomer(), (sku, 2));

        Assert.Equal(1, ordering.Sum("flashsale.orders.placed"));
        Assert.Equal(0, ordering.Sum("flashsale.orders.confirmed"));
        var placement = Assert.Single(ordering.Of("flashsale.order.placement.duration"));
        Assert.True(placement.Has("flashsale.placement.outcome", "placed"));
        Assert.True(placement.Value >= 0);

        var delivery = await _sidecar.DeliverAsync(new PaymentSucceeded(order.Id, "pay-1", 20m, "EUR", DateTimeOffset.UtcNow), cancellationToken: Cancellation);
        Assert.Equal(EventOutcome.Success, delivery.Outcome);

        Assert.Equal(1, ordering.Sum("flashsale.orders.confirmed"));
        Assert.Equal(0, ordering.Sum("flashsale.orders.cancelled"));
        var settle = Assert.Single(ordering.Of("flashsale.order.settle.duration"));
        Assert.True(settle.Has("flashsale.order.status", "confirmed"));
        Assert.Equal(1, events.Sum("flashsale.events.handled",
            ("messaging.destination.name", "payments"), ("cloudevents.event_type", "flashsale.payment.succeeded.v1")));
        Assert.Equal(0, events.Sum("flashsale.events.dropped"));

        // The relay catches up, and the backlog gauge says so.
        await RelayedAsync();
        Assert.Equal(0, ordering.Of("flashsale.outbox.backlog")[^1].Value);
    }

    [Fact]
    public async Task Refusals_count_by_cause_and_a_cancelled_order_by_its_reason()
    {
        using var ordering = new MetricRecorder(Factory.Services, OrderingMeter);
        NewSku(10m, stock: 1, out var sku);
        var customer = NewCustomer();
        var order = await PlaceOkAsync(customer, (sku, 1));

        using var refused = await PlaceAsync(NewCustomer(), NewKey(), Body((sku, 1)));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, refused.StatusCode);
        using var cancel = await Factory.CreateClientAs(customer, "customer").PostAsync($"/orders/{order.Id}/cancel", null, Cancellation);
        Assert.Equal(System.Net.HttpStatusCode.OK, cancel.StatusCode);

        Assert.Equal(1, ordering.Sum("flashsale.orders.refused", ("flashsale.refusal.cause", "sold_out")));
        Assert.Equal(1, ordering.Sum("flashsale.orders.cancelled", ("flashsale.cancel.reason", "customer")));
        Assert.Contains(ordering.Of("flashsale.order.settle.duration"), measurement => measurement.Has("flashsale.order.status", "cancelled"));
        Assert.Contains(ordering.Of("flashsale.order.placement.duration"), measurement => measurement.Has("flashsale.placement.outcome", "refused"));
    }
}

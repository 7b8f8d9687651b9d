using System.Net;
using System.Net.Http.Json;
using FlashSale.Contracts;
using FlashSale.Contracts.Payments;
using FlashSale.Payment.Api;
using FlashSale.Payment.Domain;
using FlashSale.Payment.Infrastructure;
using FlashSale.Messaging;
using FlashSale.TestSupport;
using FlashSale.ServiceDefaults;

namespace FlashSale.Payment.Tests;

/// <summary>Orders delivered the way the sidecar does, and what payment charges, records and announces.</summary>
public class PaymentProcessingTests(PaymentServiceFactory factory) : IClassFixture<PaymentServiceFactory>
{
    private readonly CloudEventPoster _sidecar = factory.CreateSidecar();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_placed_order_is_charged_and_announced_as_succeeded_keyed_by_the_order_id()
    {
        var order = Orders.Placed();

        var delivery = await _sidecar.DeliverAsync(order, cancellationToken: Cancellation);

        Assert.Equal(EventOutcome.Success, delivery.Outcome);
        var message = Assert.Single(PublishedFor(order.OrderId));
        Assert.Equal(Topics.Payments, message.Topic);
        Assert.Equal(PubSub.Name, message.PubSubName);
        Assert.Equal(CloudEventTypes.Of<PaymentSucceeded>().Type, message.CloudEventType);
        Assert.Equal(order.OrderId, message.PartitionKey);
        var succeeded = message.Deserialize<PaymentSucceeded>();
        Assert.Equal((order.OrderId, order.Total, order.Currency), (succeeded.OrderId, succeeded.Amount, succeeded.Currency));
        Assert.Equal(factory.Provider.ChargesFor(order.OrderId).Single().Outcome, succeeded.PaymentId);
    }

    [Fact]
    public async Task Charges_count_once_per_order_by_outcome_however_often_the_order_is_delivered()
    {
        using var metrics = new MetricRecorder(factory.Services, PaymentMetrics.MeterName);
        var paid = Orders.Placed();
        var declined = Orders.Placed(customerId: PaymentServiceFactory.DeclinedCustomer);

        foreach (var order in new[] { paid, declined, paid })
        {
            Assert.Equal(EventOutcome.Success, (await _sidecar.DeliverAsync(order, cancellationToken: Cancellation)).Outcome);
        }

        Assert.Equal(1, metrics.Sum("flashsale.payment.charges", ("flashsale.payment.outcome", "succeeded")));
        Assert.Equal(1, metrics.Sum("flashsale.payment.charges", ("flashsale.payment.outcome", "failed")));
    }

    [Fact]
    public async Task A_customer_whose_card_is_declined_gets_payment_failed()
    {
        var order = Orders.Placed(customerId: PaymentServiceFactory.DeclinedCustomer);

        var delivery = await _sidecar.DeliverAsync(order, cancellationToken: Cancellation);

        Assert.Equal(EventOutcome.Success, delivery.Outcome);
        var failed = Assert.Single(factory.Dapr.PublishedEvents<PaymentFailed>(Topics.Payments), e => e.OrderId == order.OrderId);
        Assert.Equal(SimulatedPaymentProvider.CardDeclined, failed.Reason);
        Assert.DoesNotContain(factory.Dapr.PublishedEvents<PaymentSucceeded>(Topics.Payments), e => e.OrderId == order.OrderId);
    }

    [Fact]
    public async Task A_redelivered_order_is_not_charged_again_but_its_outcome_is_announced_again()
    {
        var order = Orders.Placed();

        var first = await _sidecar.DeliverAsync(order, eventId: "event-1", cancellationToken: Cancellation);
        var redelivered = await _sidecar.DeliverAsync(order, eventId: "event-1", cancellationToken: Cancellation);

        Assert.Equal((EventOutcome.Success, EventOutcome.Success), (first.Outcome, redelivered.Outcome));
        Assert.Single(factory.Provider.ChargesFor(order.OrderId));
        var announced = factory.Dapr.PublishedEvents<PaymentSucceeded>(Topics.Payments).Where(e => e.OrderId == order.OrderId).ToList();
        Assert.Equal(2, announced.Count);
        Assert.Single(announced.Distinct());
    }

    [Fact]
    public async Task Concurrent_duplicate_deliveries_charge_once()
    {
        // A slow provider keeps the first charge in flight while the duplicates arrive.
        await using var slowProvider = new PaymentServiceFactory { ProviderLatency = TimeSpan.FromMilliseconds(300) };
        var sidecar = slowProvider.CreateSidecar();
        var order = Orders.Placed();

        var deliveries = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            sidecar.DeliverUntilSettledAsync(order, cancellationToken: Cancellation)));

        Assert.All(deliveries, d => Assert.Equal(EventOutcome.Success, d.Outcome));
        Assert.Single(slowProvider.Provider.ChargesFor(order.OrderId));
        var payment = await GetPaymentAsync(slowProvider, order.OrderId);
        Assert.Equal((PaymentStatus.Succeeded, 1), (payment.Status, payment.ChargeAttempts));
        Assert.Single(slowProvider.Dapr.PublishedEvents<PaymentSucceeded>(Topics.Payments).Select(e => e.PaymentId).Distinct());
    }

    [Fact]
    public async Task A_refund_is_executed_once_and_announced_however_often_it_is_requested()
    {
        var order = Orders.Placed();
        await _sidecar.DeliverAsync(order, cancellationToken: Cancellation);
        var paymentId = factory.Dapr.PublishedEvents<PaymentSucceeded>(Topics.Payments).Single(e => e.OrderId == order.OrderId).PaymentId;

        var first = await _sidecar.DeliverAsync(Orders.RefundOf(order, paymentId), cancellationToken: Cancellation);
        var again = await _sidecar.DeliverAsync(Orders.RefundOf(order, paymentId), cancellationToken: Cancellation);

        Assert.Equal((EventOutcome.Success, EventOutcome.Success), (first.Outcome, again.Outcome));
        Assert.Single(factory.Provider.RefundsFor(order.OrderId));
        var refunds = factory.Dapr.PublishedEvents<PaymentRefunded>(Topics.Payments).Where(e => e.OrderId == order.OrderId).ToList();
        Assert.Equal(2, refunds.Count);
        Assert.All(refunds, r => Assert.Equal((paymentId, order.Total, order.Currency), (r.PaymentId, r.Amount, r.Currency)));
        var payment = await GetPaymentAsync(factory, order.OrderId);
        Assert.Equal((PaymentStatus.Refunded, 1, 1), (payment.Status, payment.ChargeAttempts, payment.RefundAttempts));
    }

    [Fact]
    public async Task A_placed_order_redelivered_after_its_refund_is_acknowledged_without_charging_or_announcing()
    {
        var order = Orders.Placed();
        await _sidecar.DeliverAsync(order, cancellationToken: Cancellation);
        var paymentId = factory.Dapr.PublishedEvents<PaymentSucceeded>(Topics.Payments).Single(e => e.OrderId == order.OrderId).PaymentId;
        await _sidecar.DeliverAsync(Orders.RefundOf(order, paymentId), cancellationToken: Cancellation);
        var publishedBefore = PublishedFor(order.OrderId).Count;

        var late = await _sidecar.DeliverAsync(order, cancellationToken: Cancellation);

        Assert.Equal(EventOutcome.Success, late.Outcome);
        Assert.Single(factory.Provider.ChargesFor(order.OrderId));
        Assert.Equal(publishedBefore, PublishedFor(order.OrderId).Count);
    }

    [Fact]
    public async Task A_refund_for_an_order_that_was_never_paid_is_dropped_to_the_dead_letter_topic()
    {
        var order = Orders.Placed(customerId: PaymentServiceFactory.DeclinedCustomer);
        await _sidecar.DeliverAsync(order, cancellationToken: Cancellation);

        var declinedRefund = await _sidecar.DeliverAsync(Orders.RefundOf(order, "ch_made_up"), cancellationToken: Cancellation);
        var unknownRefund = await _sidecar.DeliverAsync(Orders.RefundOf(Orders.Placed(), "ch_made_up"), cancellationToken: Cancellation);

        Assert.Equal((EventOutcome.Drop, EventOutcome.Drop), (declinedRefund.Outcome, unknownRefund.Outcome));
        Assert.Empty(factory.Provider.RefundsFor(order.OrderId));
    }

    [Fact]
    public async Task When_the_payments_store_is_down_the_order_is_retried_and_charged_once_it_is_back()
    {
        var order = Orders.Placed();
        var store = factory.Dapr.Store(PaymentStore.StoreName);

        Delivery duringOutage;
        using (store.SimulateOutage())
        {
            duringOutage = await _sidecar.DeliverAsync(order, cancellationToken: Cancellation);
        }

        var afterwards = await _sidecar.DeliverAsync(order, cancellationToken: Cancellation);

        Assert.Equal(EventOutcome.Retry, duringOutage.Outcome);
        Assert.Equal(EventOutcome.Success, afterwards.Outcome);
        Assert.Single(factory.Provider.ChargesFor(order.OrderId));
        Assert.Single(PublishedFor(order.OrderId));
    }

    [Fact]
    public async Task An_admin_sees_the_recorded_payment_and_others_may_not()
    {
        var order = Orders.Placed();
        await _sidecar.DeliverAsync(order, cancellationToken: Cancellation);

        var payment = await GetPaymentAsync(factory, order.OrderId);
        var asCustomer = await factory.CreateClientAs(order.CustomerId, "customer").GetAsync($"/payments/{order.OrderId}", Cancellation);
        var anonymous = await factory.CreateClient().GetAsync($"/payments/{order.OrderId}", Cancellation);
        var unknown = await factory.CreateClientAs("admin-1", "admin").GetAsync("/payments/order-unknown", Cancellation);

        Assert.Equal((order.OrderId, order.CustomerId, order.Total, 1, 0), (payment.OrderId, payment.CustomerId, payment.Amount, payment.ChargeAttempts, payment.RefundAttempts));
        Assert.Equal(HttpStatusCode.Forbidden, asCustomer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_admin_api_and_not_the_event_routes()
    {
        var document = await factory.CreateClient().GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/openapi/v1.json", ApiJson.Options, Cancellation);

        Assert.Equal(["/payments/{orderId}"], document!["paths"]!.AsObject().Select(path => path.Key));
    }

    private List<PublishedMessage> PublishedFor(string orderId) =>
        factory.Dapr.Published.Where(m => m.Topic == Topics.Payments && m.PartitionKey == orderId).ToList();

    private static async Task<PaymentResponse> GetPaymentAsync(PaymentServiceFactory service, string orderId) =>
        (await service.CreateClientAs("admin-1", "admin").GetFromJsonAsync<PaymentResponse>($"/payments/{orderId}", ApiJson.Options, Cancellation))!;
}

using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Contracts;
using FlashSale.Contracts.Orders;
using FlashSale.Contracts.Payments;
using FlashSale.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlashSale.Shared.Tests;

/// <summary>Subscriptions are declared once: a route and its handler come together, and what is inconsistent stops start-up.</summary>
public sealed class EventSubscriptionTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_declared_event_type_gets_its_route_rule_and_the_topic_a_default_route_and_dead_letter_topic()
    {
        await using var app = await StartAsync(services => services.AddTopicSubscription(Topics.Orders)
            .On<OrderPlaced, CountingHandler>()
            .Ignore<OrderConfirmed>());

        var subscriptions = await app.GetTestClient().GetFromJsonAsync<JsonArray>("/dapr/subscribe", Cancellation);

        var orders = Assert.Single(subscriptions!)!;
        Assert.Equal("orders", orders["topic"]!.GetValue<string>());
        Assert.Equal("orders.deadletter", orders["deadLetterTopic"]!.GetValue<string>());
        Assert.Equal("events/orders", orders["routes"]!["default"]!.GetValue<string>());
        Assert.Equal(
            ["event.type == \"flashsale.order.placed.v1\"", "event.type == \"flashsale.order.confirmed.v1\""],
            orders["routes"]!["rules"]!.AsArray().Select(rule => rule!["match"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_route_whose_handler_is_missing_stops_start_up_naming_the_event_type()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(services =>
        {
            services.AddTopicSubscription(Topics.Payments).On<PaymentSucceeded, CountingHandler>();
            // What a careless refactoring or a test's service replacement does: the handler is gone, the route is not.
            services.RemoveAll<IEventHandler<PaymentSucceeded>>();
        }));

        Assert.Contains("PaymentSucceeded", failure.Message, StringComparison.Ordinal);
        Assert.Contains("flashsale.payment.succeeded.v1", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_event_type_is_routed_once_and_only_on_the_topic_it_is_published_on()
    {
        var services = new ServiceCollection();
        var orders = services.AddTopicSubscription(Topics.Orders).On<OrderPlaced, CountingHandler>();

        Assert.Contains("routed twice", Assert.Throws<InvalidOperationException>(() => orders.Ignore<OrderPlaced>()).Message, StringComparison.Ordinal);
        Assert.Contains("'payments'", Assert.Throws<InvalidOperationException>(() => orders.Ignore<PaymentFailed>()).Message, StringComparison.Ordinal);
        Assert.Contains("declared twice", Assert.Throws<InvalidOperationException>(() => services.AddTopicSubscription(Topics.Orders)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delivery_reaches_the_handler_registered_with_its_route()
    {
        await using var app = await StartAsync(services => services.AddTopicSubscription(Topics.Orders).On<OrderPlaced, CountingHandler>());
        var placed = new OrderPlaced("o-1", "c-1", [new OrderLine("SKU-1", 1, 5m)], 5m, "EUR", 1, DateTimeOffset.UnixEpoch);
        var cloudEvent = new JsonObject
        {
            ["id"] = "e-1", ["source"] = "test", ["type"] = "flashsale.order.placed.v1", ["specversion"] = "1.0",
            ["datacontenttype"] = "application/json", ["data"] = System.Text.Json.JsonSerializer.SerializeToNode(placed, EventJson.Options),
        };

        using var response = await app.GetTestClient().PostAsync("/events/orders/flashsale.order.placed.v1",
            new StringContent(cloudEvent.ToJsonString(), System.Text.Encoding.UTF8, "application/cloudevents+json"), Cancellation);

        Assert.Equal("SUCCESS", (await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["status"]!.GetValue<string>());
        Assert.Equal(["o-1"], CountingHandler.Seen);
    }

    private static async Task<WebApplication> StartAsync(Action<IServiceCollection> declare)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddRouting();
        declare(builder.Services);
        var app = builder.Build();
        app.MapEventSubscriptions();
        await app.StartAsync(Cancellation);
        return app;
    }

    private sealed class CountingHandler : IEventHandler<OrderPlaced>, IEventHandler<PaymentSucceeded>
    {
        public static List<string> Seen { get; } = [];

        public Task<EventOutcome> HandleAsync(OrderPlaced integrationEvent, EventContext context, CancellationToken cancellationToken)
        {
            lock (Seen)
            {
                Seen.Add(integrationEvent.OrderId);
            }

            return Task.FromResult(EventOutcome.Success);
        }

        public Task<EventOutcome> HandleAsync(PaymentSucceeded integrationEvent, EventContext context, CancellationToken cancellationToken) =>
            Task.FromResult(EventOutcome.Success);
    }
}

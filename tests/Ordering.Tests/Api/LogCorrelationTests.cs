using System.Collections.Concurrent;
using FlashSale.Contracts.Payments;
using FlashSale.Messaging;
using FlashSale.TestSupport;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace FlashSale.Ordering.Tests.Api;

/// <summary>
/// The records Serilog writes (to the console and over OTLP to the collector, then OpenSearch) carry the order they
/// are about and the trace they belong to, so one order's path can be read across services.
/// </summary>
public sealed class LogCorrelationTests(OrderingFactory factory) : OrderingTest(factory)
{
    private sealed class CapturingSink : ILogEventSink
    {
        public ConcurrentQueue<LogEvent> Events { get; } = new();

        public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);
    }

    [Fact]
    public async Task A_record_logged_while_handling_an_event_carries_its_order_id_and_trace_even_when_the_message_does_not_name_it()
    {
        var sink = new CapturingSink();
        using var host = Factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<ILogEventSink>(sink)));
        var orderId = Guid.CreateVersion7().ToString("N");

        // Money for an unknown order is dead-lettered with a warning whose text names the event, not the order.
        var delivery = await new CloudEventPoster(host.CreateClient())
            .DeliverAsync(new PaymentSucceeded(orderId, "pay-1", 20m, "EUR", DateTimeOffset.UtcNow), cancellationToken: Cancellation);
        Assert.Equal(EventOutcome.Drop, delivery.Outcome);

        var dropped = await Eventually.MatchesAsync(
            () => sink.Events.FirstOrDefault(e => e.MessageTemplate.Text.StartsWith("Dropping message", StringComparison.Ordinal)),
            e => e is not null, "the drop to be logged", cancellationToken: Cancellation);
        Assert.DoesNotContain("OrderId", dropped!.MessageTemplate.Text, StringComparison.Ordinal);
        Assert.Equal(orderId, (dropped.Properties[LogScopes.OrderId] as ScalarValue)?.Value);
        Assert.NotNull(dropped.TraceId);
        Assert.NotNull(dropped.SpanId);
    }
}

using System.Collections.Concurrent;
using System.Text.Json;
using Dapr;
using Dapr.Client;
using FlashSale.Contracts;
using FlashSale.Contracts.Orders;
using FlashSale.Messaging;
using FlashSale.TestSupport.Sidecar;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.EndToEnd.Tests.Sidecar;

/// <summary>
/// The stand-in against the subscription code FlashSale's services really use (ServiceDefaults'
/// <c>MapTopicSubscription(...).On&lt;T&gt;()</c>) and against daprd's outbox on <c>orders-store</c>
/// (which FlashSale does not use, ADR 0019, but whose behaviour is the reason why).
/// </summary>
public sealed class SidecarServiceDefaultsTests
{
    [Fact]
    public async Task A_typed_event_published_by_the_event_publisher_reaches_its_handler()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        await using var app = await StartOrderQueryAsync();
        await sidecar.AddAppAsync("order-query", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);

        await sidecar.PublishEventAsync("ordering", Placed("o-1"), TestContext.Current.CancellationToken);
        await sidecar.SettleAsync();

        var handled = Assert.Single(Handled(app));
        Assert.Equal("o-1", handled.Event.OrderId);
        Assert.Equal("ordering", handled.Context.Source);
        Assert.Equal("o-1", Assert.Single(sidecar.PubSub.Messages(Topics.Orders)).PartitionKey);
    }

    [Fact]
    public async Task A_non_JSON_message_and_an_unknown_type_are_dead_lettered_and_the_next_order_still_goes_through()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        await using var app = await StartOrderQueryAsync();
        await sidecar.AddAppAsync("order-query", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);

        // Through a sidecar: wrapped in a CloudEvent whose data is a string the handler cannot read.
        await sidecar.PublishBytesAsync("ordering", Topics.Orders, SidecarTestKit.Utf8("not json"), "text/plain",
            cancellationToken: TestContext.Current.CancellationToken);
        await sidecar.PublishAsync("ordering", Topics.Orders, "flashsale.order.teleported.v1", """{"orderId":"o-x"}""");
        // Straight onto Kafka by a foreign producer: daprd cannot even read it as a CloudEvent.
        sidecar.PubSub.ProduceRaw(Topics.Orders, SidecarTestKit.Utf8("<order id='o-y'/>"));
        await sidecar.PublishEventAsync("ordering", Placed("o-2"), TestContext.Current.CancellationToken);
        await sidecar.SettleAsync();

        Assert.Equal("o-2", Assert.Single(Handled(app)).Event.OrderId);
        Assert.Equal(
            [AppAnswer.Drop, AppAnswer.Drop, AppAnswer.NotACloudEvent],
            sidecar.PubSub.DeadLetters.OrderBy(d => d.Offset).Select(d => d.LastAnswer));
        Assert.Equal(3, sidecar.PubSub.Messages(PubSub.DeadLetterTopic(Topics.Orders)).Count);
    }

    [Fact]
    public async Task A_handler_exception_is_answered_RETRY_and_the_redelivery_succeeds()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        await using var app = await StartOrderQueryAsync(failFirstAttempts: 1);
        await sidecar.AddAppAsync("order-query", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);

        await sidecar.PublishEventAsync("ordering", Placed("o-3"), TestContext.Current.CancellationToken);
        await sidecar.SettleAsync();

        Assert.Equal([AppAnswer.Retry, AppAnswer.Success], sidecar.PubSub.Deliveries.Select(d => d.Answer));
        Assert.Single(Handled(app));
    }

    [Fact]
    public async Task Daprs_outbox_publishes_a_committed_transaction_with_the_type_set_in_the_upserts_metadata()
    {
        await using var sidecar = SidecarTestKit.ForRepository().WithDaprOutbox();
        await using var app = await StartOrderQueryAsync();
        await sidecar.AddAppAsync("order-query", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);

        await SaveOrderAsync(sidecar.ClientFor("ordering"), Placed("o-4"), new() { ["type"] = CloudEventTypes.Of<OrderPlaced>().Type });
        await sidecar.SettleAsync();

        Assert.Equal("o-4", Assert.Single(Handled(app)).Event.OrderId);
        var message = Assert.Single(sidecar.PubSub.Messages(Topics.Orders));
        Assert.StartsWith("outbox-", message.EventId, StringComparison.Ordinal);
        // daprd's outbox does not forward a partition key, and without a content type the data travels as text.
        Assert.Null(message.PartitionKey);
        Assert.Equal("text/plain", message.CloudEvent!.Value.GetProperty("datacontenttype").GetString());
        Assert.Equal(JsonValueKind.String, message.CloudEvent!.Value.GetProperty("data").ValueKind);
    }

    [Fact]
    public async Task Daprs_outbox_does_not_translate_cloudevent_type_metadata_so_such_an_event_is_dead_lettered()
    {
        await using var sidecar = SidecarTestKit.ForRepository().WithDaprOutbox();
        await using var app = await StartOrderQueryAsync();
        await sidecar.AddAppAsync("order-query", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);

        await SaveOrderAsync(sidecar.ClientFor("ordering"), Placed("o-5"), new() { ["cloudevent.type"] = CloudEventTypes.Of<OrderPlaced>().Type });
        await sidecar.SettleAsync();

        Assert.Empty(Handled(app));
        var deadLetter = Assert.Single(sidecar.PubSub.DeadLetters);
        Assert.Equal(CloudEvents.DefaultType, deadLetter.EventType);
    }

    [Fact]
    public async Task Daprs_outbox_publishes_nothing_when_the_transaction_fails()
    {
        await using var sidecar = SidecarTestKit.ForRepository().WithDaprOutbox();
        await using var app = await StartOrderQueryAsync();
        await sidecar.AddAppAsync("order-query", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);
        var ordering = sidecar.ClientFor("ordering");
        var metadata = new Dictionary<string, string> { ["type"] = CloudEventTypes.Of<OrderPlaced>().Type };
        await SaveOrderAsync(ordering, Placed("o-6"), metadata);
        await sidecar.SettleAsync();

        // A stale ETag: the whole transaction fails, so neither the state nor the message changes.
        var stale = Guid.NewGuid().ToString();
        var failure = await Assert.ThrowsAsync<DaprException>(() => SaveOrderAsync(ordering, Placed("o-6") with { Version = 2 }, metadata, stale));
        await sidecar.SettleAsync();

        Assert.Equal(StatusCode.Internal, Assert.IsType<RpcException>(failure.InnerException).StatusCode);
        Assert.Single(sidecar.PubSub.Messages(Topics.Orders));
        Assert.Equal(1, sidecar.Dapr.ReadState<OrderPlaced>("orders-store", "o-6")!.Version);
        Assert.Single(Handled(app));
    }

    private static Task SaveOrderAsync(DaprClient ordering, OrderPlaced order, Dictionary<string, string> metadata, string? etag = null) =>
        ordering.ExecuteStateTransactionAsync("orders-store",
        [
            new StateTransactionRequest(order.OrderId, JsonSerializer.SerializeToUtf8Bytes(order, JsonSerializerOptions.Web),
                StateOperationType.Upsert, etag, metadata),
        ], cancellationToken: TestContext.Current.CancellationToken);

    private static OrderPlaced Placed(string orderId) =>
        new(orderId, "c-1", [new OrderLine("SKU-1", 1, 10m)], 10m, "EUR", 1, DateTimeOffset.UnixEpoch);

    private static IReadOnlyList<(OrderPlaced Event, EventContext Context)> Handled(FakeApp app) =>
        app.Services.GetRequiredService<RecordingHandler>().Handled;

    /// <summary>An order-query lookalike: the Messaging subscription to <c>orders</c> with a handler for OrderPlaced.</summary>
    private static Task<FakeApp> StartOrderQueryAsync(int failFirstAttempts = 0) =>
        FakeApp.StartAsync(
            web => web.MapEventSubscriptions(),
            services =>
            {
                services.AddSingleton(new RecordingHandler(failFirstAttempts));
                services.AddTopicSubscription(Topics.Orders)
                    .On<OrderPlaced>(provider => provider.GetRequiredService<RecordingHandler>());
            });

    private sealed class RecordingHandler(int failFirstAttempts) : IEventHandler<OrderPlaced>
    {
        private readonly ConcurrentQueue<(OrderPlaced, EventContext)> _handled = new();
        private int _attempts;

        public IReadOnlyList<(OrderPlaced Event, EventContext Context)> Handled => _handled.ToArray();

        public Task<EventOutcome> HandleAsync(OrderPlaced integrationEvent, EventContext context, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _attempts) <= failFirstAttempts)
            {
                throw new InvalidOperationException("the store is briefly unavailable");
            }

            _handled.Enqueue((integrationEvent, context));
            return Task.FromResult(EventOutcome.Success);
        }
    }
}

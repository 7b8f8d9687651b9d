using System.Text.Json;
using Dapr;
using FlashSale.TestSupport.Sidecar;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FlashSale.EndToEnd.Tests.Sidecar;

/// <summary>
/// The broker against apps that declare subscriptions with Dapr.AspNetCore (<c>MapSubscribeHandler</c> +
/// <c>WithTopic</c>), as FlashSale's services do: routing, the CloudEvent envelope, the answer contract, dead letters
/// and ordering.
/// </summary>
public sealed class SidecarPubSubTests
{
    private const string Topic = "orders";
    private const string DeadLetterTopic = "orders.deadletter";

    [Fact]
    public async Task Events_are_routed_by_type_and_the_rest_go_to_the_default_route()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        var inbox = new Inbox();
        await using var app = await StartSubscriberAsync(inbox, _ => Results.Ok());
        await sidecar.AddAppAsync("order-query", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);

        await sidecar.PublishAsync("ordering", Topic, "flashsale.order.placed.v1", """{"orderId":"o-1"}""", "o-1");
        await sidecar.PublishAsync("ordering", Topic, "flashsale.order.cancelled.v1", """{"orderId":"o-1"}""", "o-1");
        await sidecar.PublishAsync("ordering", Topic, "flashsale.order.confirmed.v1", """{"orderId":"o-1"}""", "o-1");
        await sidecar.SettleAsync();

        Assert.Equal(
            ["/placed:flashsale.order.placed.v1", "/cancelled-or-confirmed:flashsale.order.cancelled.v1", "/cancelled-or-confirmed:flashsale.order.confirmed.v1"],
            inbox.Received.Select(r => $"{r.Path}:{r.Type}"));
    }

    [Fact]
    public async Task Once_it_stops_keeping_history_subscribers_still_get_every_message_and_nothing_is_recorded()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        var inbox = new Inbox();
        await using var app = await StartSubscriberAsync(inbox, _ => Results.Ok());
        await sidecar.AddAppAsync("order-query", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);
        await sidecar.PublishAsync("ordering", Topic, "flashsale.order.placed.v1", """{"orderId":"o-1"}""", "o-1");
        await sidecar.SettleAsync();

        sidecar.StopKeepingHistory();
        await sidecar.PublishAsync("ordering", Topic, "flashsale.order.confirmed.v1", """{"orderId":"o-1"}""", "o-1");
        await sidecar.PublishAsync("ordering", Topic, "flashsale.order.placed.v1", """{"orderId":"o-2"}""", "o-2");
        await sidecar.SettleAsync();

        Assert.Equal(["o-1:flashsale.order.placed.v1", "o-1:flashsale.order.confirmed.v1"],
            inbox.Received.Where(r => r.Data("orderId") == "o-1").Select(r => $"o-1:{r.Type}"));
        Assert.Equal("flashsale.order.placed.v1", Assert.Single(inbox.Received, r => r.Data("orderId") == "o-2").Type);
        Assert.Single(sidecar.PubSub.Messages(Topic));
        Assert.Single(sidecar.PubSub.Deliveries);
        Assert.Single(sidecar.Dapr.Published);
    }

    [Fact]
    public async Task An_event_no_rule_matches_goes_to_the_default_route()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        var inbox = new Inbox();
        await using var app = await StartSubscriberAsync(inbox, _ => Results.Ok());
        await sidecar.AddAppAsync("order-query", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);

        await sidecar.PublishAsync("ordering", Topic, "flashsale.order.shipped.v9", """{"orderId":"o-2"}""");
        await sidecar.SettleAsync();

        Assert.Equal("/default", Assert.Single(inbox.Received).Path);
    }

    [Fact]
    public async Task Delivered_events_carry_the_CloudEvent_envelope_daprd_builds()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        var inbox = new Inbox();
        await using var app = await StartSubscriberAsync(inbox, _ => Results.Ok());
        await sidecar.AddAppAsync("order-query", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);

        await sidecar.PublishAsync("ordering", Topic, "flashsale.order.placed.v1", """{"orderId":"o-3","total":12.5}""", "o-3");
        await sidecar.SettleAsync();

        var received = Assert.Single(inbox.Received);
        Assert.Equal("application/cloudevents+json", received.ContentType);
        Assert.True(Guid.TryParse(received.Id, out _));
        Assert.Equal("ordering", received.Attribute("source"));
        Assert.Equal("flashsale.order.placed.v1", received.Type);
        Assert.Equal("1.0", received.Attribute("specversion"));
        Assert.Equal("application/json", received.Attribute("datacontenttype"));
        Assert.Equal(Topic, received.Attribute("topic"));
        Assert.Equal("pubsub", received.Attribute("pubsubname"));
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$", received.Attribute("traceparent"));
        Assert.Equal(received.Attribute("traceparent"), received.TraceParent);
        Assert.True(DateTimeOffset.TryParse(received.Attribute("time"), out _));
        Assert.Equal(JsonValueKind.Object, received.CloudEvent.GetProperty("data").ValueKind);
        Assert.Equal("12.5", received.Data("total"));
    }

    [Fact]
    public async Task A_publish_without_cloudevent_type_metadata_gets_Daprs_default_type()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        var inbox = new Inbox();
        await using var app = await StartSubscriberAsync(inbox, _ => Results.Ok());
        await sidecar.AddAppAsync("order-query", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);

        await sidecar.ClientFor("ordering").PublishEventAsync("pubsub", Topic, new { orderId = "o-4" }, TestContext.Current.CancellationToken);
        await sidecar.SettleAsync();

        var received = Assert.Single(inbox.Received);
        Assert.Equal(CloudEvents.DefaultType, received.Type);
        Assert.Equal("/default", received.Path);
    }

    public enum Fate
    {
        Acknowledged,
        DeadLettered,
        Lost,
    }

    public static TheoryData<string, int, string, AppAnswer, int, Fate> Answers => new()
    {
        // answer, HTTP status, body, daprd's reading, attempts (3 allowed), what becomes of the message
        { "SUCCESS", 200, """{"status":"SUCCESS"}""", AppAnswer.Success, 1, Fate.Acknowledged },
        { "lower-case success", 200, """{"status":"success"}""", AppAnswer.Success, 1, Fate.Acknowledged },
        { "empty 2xx", 204, "", AppAnswer.Success, 1, Fate.Acknowledged },
        { "2xx without status", 200, """{"ok":true}""", AppAnswer.Success, 1, Fate.Acknowledged },
        { "2xx not JSON", 200, "fine", AppAnswer.Success, 1, Fate.Acknowledged },
        { "RETRY", 200, """{"status":"RETRY"}""", AppAnswer.Retry, 3, Fate.DeadLettered },
        { "unknown status", 200, """{"status":"MAYBE"}""", AppAnswer.UnknownStatus, 3, Fate.DeadLettered },
        { "DROP", 200, """{"status":"DROP"}""", AppAnswer.Drop, 1, Fate.DeadLettered },
        { "500", 500, "", AppAnswer.Failed, 3, Fate.DeadLettered },
        { "503 whatever the body", 503, """{"status":"SUCCESS"}""", AppAnswer.Failed, 3, Fate.DeadLettered },
        { "400", 400, "", AppAnswer.Failed, 3, Fate.DeadLettered },
        // daprd treats 404 as non-retriable and drops the message without the dead-letter topic.
        { "404", 404, "", AppAnswer.NotFound, 1, Fate.Lost },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task The_apps_answer_decides_between_ack_retry_and_dead_letter(
        string answerName, int status, string body, AppAnswer expected, int expectedAttempts, Fate fate)
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        var inbox = new Inbox();
        await using var app = await StartSubscriberAsync(inbox, _ => Results.Text(body, "application/json", statusCode: status));
        await sidecar.AddAppAsync("order-query", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);

        await sidecar.PublishAsync("ordering", Topic, "flashsale.order.placed.v1", """{"orderId":"o-5"}""", "o-5");
        await sidecar.SettleAsync();

        var attempts = sidecar.PubSub.Deliveries.Where(d => d.Topic == Topic).ToList();
        Assert.Equal(expectedAttempts, attempts.Count);
        Assert.All(attempts, attempt => Assert.Equal(expected, attempt.Answer));
        Assert.Equal(expectedAttempts, inbox.Received.Count);
        Assert.Equal(fate == Fate.DeadLettered, sidecar.PubSub.Messages(DeadLetterTopic).Count == 1);
        Assert.True((fate != Fate.Acknowledged) == (sidecar.PubSub.DeadLetters.Count == 1), answerName);
    }

    [Fact]
    public async Task An_event_no_rule_matches_without_a_default_route_is_skipped_and_copied_to_the_dead_letter_topic()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        var inbox = new Inbox();
        await using var app = await FakeApp.StartAsync(web =>
        {
            web.MapSubscribeHandler();
            web.MapPost("/placed", async (HttpRequest request) => { await inbox.RecordAsync(request); return Results.Ok(); })
                .WithTopic(new TopicOptions
                {
                    PubsubName = "pubsub", Name = Topic, Match = "event.type == \"flashsale.order.placed.v1\"", DeadLetterTopic = DeadLetterTopic,
                });
        });
        await sidecar.AddAppAsync("order-query", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);

        await sidecar.PublishAsync("ordering", Topic, "flashsale.order.refunded.v1", """{"orderId":"o-9"}""");
        await sidecar.SettleAsync();

        Assert.Empty(inbox.Received);
        Assert.Equal(AppAnswer.NoRoute, Assert.Single(sidecar.PubSub.Deliveries).Answer);
        Assert.Equal("flashsale.order.refunded.v1", Assert.Single(sidecar.PubSub.Messages(DeadLetterTopic)).EventType);
    }

    [Fact]
    public async Task A_dead_lettered_message_is_the_original_CloudEvent_and_reaches_the_dead_letter_subscriber()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        var inbox = new Inbox();
        var deadLetters = new Inbox();
        await using var app = await FakeApp.StartAsync(web =>
        {
            web.MapSubscribeHandler();
            web.MapPost("/orders", (HttpRequest request) => Drop(inbox, request))
                .WithTopic(new TopicOptions { PubsubName = "pubsub", Name = Topic, DeadLetterTopic = DeadLetterTopic });
            web.MapPost("/dead-letters", async (HttpRequest request) => { await deadLetters.RecordAsync(request); return Results.Ok(); })
                .WithTopic("pubsub", DeadLetterTopic);
        });
        await sidecar.AddAppAsync("payment", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);

        await sidecar.PublishAsync("ordering", Topic, "flashsale.order.placed.v1", """{"orderId":"o-6"}""", "o-6");
        await sidecar.SettleAsync();

        var original = Assert.Single(inbox.Received);
        var deadLetter = Assert.Single(deadLetters.Received);
        Assert.Equal(original.Id, deadLetter.Id);
        Assert.Equal(original.Type, deadLetter.Type);
        Assert.Equal(Topic, deadLetter.Attribute("topic"));
        var record = Assert.Single(sidecar.PubSub.DeadLetters);
        Assert.Equal(("payment", Topic, DeadLetterTopic, AppAnswer.Drop), (record.AppId, record.Topic, record.DeadLetterTopic, record.LastAnswer));
    }

    [Fact]
    public async Task A_message_being_retried_blocks_its_partition_key_but_not_other_keys()
    {
        await using var sidecar = SidecarTestKit.ForRepository(SidecarTestKit.FastRetries with { MaxDeliveryAttempts = 50 });
        var inbox = new Inbox();
        var order = new List<string>();
        await using var app = await StartSubscriberAsync(inbox, received =>
        {
            var label = received.Data("orderId") + "/" + received.Data("step");
            lock (order)
            {
                // o-1/1 asks for a retry until o-2/1 got through, and o-2/1 only goes through once o-1/1 is being
                // retried: if o-2 waited behind o-1, o-1 would end up dead-lettered.
                var retry = label switch
                {
                    "o-1/1" => !order.Contains("o-2/1"),
                    "o-2/1" => !order.Contains("o-1/1 retry"),
                    _ => false,
                };
                order.Add(retry ? label + " retry" : label);
                return Results.Json(new { status = retry ? "RETRY" : "SUCCESS" });
            }
        });
        await sidecar.AddAppAsync("order-query", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);

        await sidecar.PublishAsync("ordering", Topic, "flashsale.order.placed.v1", """{"orderId":"o-1","step":1}""", "o-1");
        await sidecar.PublishAsync("ordering", Topic, "flashsale.order.placed.v1", """{"orderId":"o-1","step":2}""", "o-1");
        await sidecar.PublishAsync("ordering", Topic, "flashsale.order.placed.v1", """{"orderId":"o-2","step":1}""", "o-2");
        await sidecar.SettleAsync();

        Assert.Empty(sidecar.PubSub.DeadLetters);
        var forFirstKey = order.Where(label => label.StartsWith("o-1", StringComparison.Ordinal)).ToList();
        Assert.Equal(["o-1/1", "o-1/2"], forFirstKey.Where(label => !label.EndsWith(" retry", StringComparison.Ordinal)));
        Assert.All(forFirstKey.Take(forFirstKey.IndexOf("o-1/1")), label => Assert.Equal("o-1/1 retry", label));
        Assert.True(order.IndexOf("o-2/1") < order.IndexOf("o-1/1"), string.Join(", ", order));
    }

    [Fact]
    public async Task With_Kafka_partitions_a_stuck_message_blocks_every_key_of_its_partition()
    {
        await using var sidecar = SidecarTestKit.ForRepository(SidecarTestKit.FastRetries with { PartitionCount = 1, MaxDeliveryAttempts = 4 });
        var inbox = new Inbox();
        var order = new List<string>();
        await using var app = await StartSubscriberAsync(inbox, received =>
        {
            var label = received.Data("orderId");
            lock (order)
            {
                order.Add(label);
                return label == "o-1" && order.Count < 3 ? Results.Json(new { status = "RETRY" }) : Results.Ok();
            }
        });
        await sidecar.AddAppAsync("order-query", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);

        await sidecar.PublishAsync("ordering", Topic, "flashsale.order.placed.v1", """{"orderId":"o-1"}""", "o-1");
        await sidecar.PublishAsync("ordering", Topic, "flashsale.order.placed.v1", """{"orderId":"o-2"}""", "o-2");
        await sidecar.SettleAsync();

        Assert.Equal(["o-1", "o-1", "o-1", "o-2"], order);
    }

    [Fact]
    public async Task A_subscriber_added_later_reads_the_topic_from_the_oldest_message()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        await sidecar.PublishAsync("ordering", Topic, "flashsale.order.placed.v1", """{"orderId":"early"}""", "early");
        var inbox = new Inbox();
        await using var app = await StartSubscriberAsync(inbox, _ => Results.Ok());

        await sidecar.AddAppAsync("order-query", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);
        await sidecar.SettleAsync();

        Assert.Equal("early", Assert.Single(inbox.Received).Data("orderId"));
    }

    [Fact]
    public async Task A_subscription_through_a_pubsub_the_app_is_not_scoped_to_is_ignored_with_a_warning()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        var inbox = new Inbox();
        await using var app = await StartSubscriberAsync(inbox, _ => Results.Ok());

        // The gateway is not in pubsub's scopes: its sidecar has no pub/sub component at all.
        await sidecar.AddAppAsync("gateway", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);
        await sidecar.PublishAsync("ordering", Topic, "flashsale.order.placed.v1", """{"orderId":"o-7"}""");
        await sidecar.SettleAsync();

        Assert.Empty(inbox.Received);
        Assert.Contains(sidecar.PubSub.Warnings, warning => warning.Contains("gateway", StringComparison.Ordinal) && warning.Contains("pubsub pubsub not found", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_app_on_Kestrel_is_reached_by_its_base_address()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        var inbox = new Inbox();
        await using var app = await FakeApp.StartOnLoopbackAsync(web =>
        {
            web.MapSubscribeHandler();
            web.MapPost("/orders", async (HttpRequest request) => { await inbox.RecordAsync(request); return Results.Ok(); })
                .WithTopic("pubsub", Topic);
        });
        await sidecar.AddAppAsync("order-query", app.BaseAddress, TestContext.Current.CancellationToken);

        await sidecar.PublishAsync("ordering", Topic, "flashsale.order.placed.v1", """{"orderId":"o-8"}""");
        await sidecar.SettleAsync();

        Assert.Equal("o-8", Assert.Single(inbox.Received).Data("orderId"));
    }

    /// <summary>
    /// A subscriber to <c>orders</c> with rules by type, as Dapr.AspNetCore declares them: placed, then cancelled or
    /// confirmed (an <c>||</c> rule), a default route, and the dead-letter topic.
    /// </summary>
    private static Task<FakeApp> StartSubscriberAsync(Inbox inbox, Func<Received, IResult> answer)
    {
        return FakeApp.StartAsync(web =>
        {
            web.MapSubscribeHandler();
            web.MapPost("/placed", Handle).WithTopic(Options("event.type == \"flashsale.order.placed.v1\"", 1));
            web.MapPost("/cancelled-or-confirmed", Handle)
                .WithTopic(Options("event.type == \"flashsale.order.cancelled.v1\" || event.type == \"flashsale.order.confirmed.v1\"", 2));
            web.MapPost("/default", Handle).WithTopic(Options(null, 0));
        });

        async Task<IResult> Handle(HttpRequest request) => answer(await inbox.RecordAsync(request));

        static TopicOptions Options(string? match, int priority) => new()
        {
            PubsubName = "pubsub", Name = Topic, Match = match, Priority = priority, DeadLetterTopic = DeadLetterTopic,
        };
    }

    private static async Task<IResult> Drop(Inbox inbox, HttpRequest request)
    {
        await inbox.RecordAsync(request);
        return Results.Json(new { status = "DROP" });
    }
}

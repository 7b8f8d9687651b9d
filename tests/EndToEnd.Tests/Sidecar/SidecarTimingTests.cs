using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Dapr.Client;
using FlashSale.Contracts;
using FlashSale.TestSupport.Actors;
using FlashSale.TestSupport.Sidecar;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FlashSale.EndToEnd.Tests.Sidecar;

/// <summary>
/// The platform's timing model (<see cref="PlatformTiming.Dapr117"/>) and the ceilings it implies. Each test measures
/// with its own stopwatch and asserts what the model guarantees whatever the machine's speed: work never goes faster
/// than the model allows (a lower bound on the time), and it does get done (a deadline).
/// </summary>
public sealed class SidecarTimingTests
{
    private const string OutboxApp = "ordering";
    private const string OrdersStore = "orders-store";
    private static readonly PlatformTiming Model = PlatformTiming.Dapr117;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void The_model_takes_every_topics_partitions_from_the_chart_and_derives_its_ceilings()
    {
        var kafka = Assert.IsType<KafkaTopics>(Model.Kafka);
        var chartTopics = kafka.Partitions.Keys.Where(topic => !topic.EndsWith(".deadletter", StringComparison.Ordinal));
        Assert.Equal([Topics.Catalog, Topics.Inventory, Topics.Orders, Topics.Payments], chartTopics.Order());
        Assert.All(chartTopics, topic => Assert.NotNull(Model.PartitionsOf(PubSub.DeadLetterTopic(topic))));

        Assert.Equal(1 / (Model.ActorCall + Model.StateOperation).TotalSeconds, Model.SingleActorCeilingPerSecond, 6);
        Assert.InRange(Model.OutboxRelayPerPartitionPerSecond, 0.99, 1.0);
        Assert.Equal(Model.OutboxRelayPerPartitionPerSecond * kafka.OutboxPartitionsOf(OutboxApp, Topics.Orders),
            Model.OutboxRelayCeilingPerSecond(OutboxApp, Topics.Orders), 6);
        Assert.Equal(double.PositiveInfinity, PlatformTiming.None.SingleActorCeilingPerSecond);
        Assert.False(PlatformTiming.None.IsModelled);
    }

    [Fact]
    public void An_outbox_entry_in_the_chart_may_give_its_internal_topic_partitions_and_otherwise_gets_its_topics()
    {
        var values = Path.Combine(Path.GetTempPath(), $"values-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(values, """
            kafka:
              topics:
                - { name: orders, partitions: 12 }
                - { name: payments, partitions: 6 }
              deadLetterPartitions: 1
              outbox:
                - { appId: ordering, topic: orders, partitions: 3 }
                - { appId: payment, topic: payments }
            """);
        try
        {
            var kafka = KafkaTopics.Load(values);

            Assert.Equal((12, 6, 1), (kafka.PartitionsOf("orders"), kafka.PartitionsOf("payments"), kafka.PartitionsOf("orders.deadletter")));
            Assert.Equal((3, 6), (kafka.OutboxPartitionsOf("ordering", "orders"), kafka.OutboxPartitionsOf("payment", "payments")));
            Assert.Null(kafka.PartitionsOf("unknown"));
        }
        finally
        {
            File.Delete(values);
        }
    }

    [Fact]
    public async Task One_partition_of_the_outbox_topic_relays_one_message_at_a_time_about_one_a_second()
    {
        const int messages = 4;
        var timing = Model with { Kafka = Model.Kafka!.WithOutboxPartitions(OutboxApp, Topics.Orders, 1) };
        await using var sidecar = SidecarTestKit.ForRepository(SidecarTestKit.FastRetries with { Timing = timing }).WithDaprOutbox();
        var ordering = sidecar.ClientFor(OutboxApp);

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < messages; i++)
        {
            await SaveWithOutboxAsync(ordering, $"o-{i}");
        }

        var committedAfter = clock.Elapsed;
        var relayed = await Eventually.MatchesAsync(() => sidecar.PubSub.Messages(Topics.Orders), all => all.Count == messages,
            "the outbox to relay every message", timing.OutboxRelayTime * messages + Eventually.Deadline, Token);
        var relayedAfter = clock.Elapsed;
        Report($"one outbox partition relayed {messages} messages in {relayedAfter.TotalSeconds:0.00} s "
            + $"(commits took {committedAfter.TotalMilliseconds:0} ms): {(messages - 1) / (relayed[^1].Timestamp - relayed[0].Timestamp).TotalSeconds:0.000} msg/s "
            + $"between the first and the last; model {timing.OutboxRelayPerPartitionPerSecond:0.000} msg/s");

        // One at a time, each after the relay's delay: in order, and never sooner than messages x relay time.
        Assert.Equal(Enumerable.Range(0, messages).Select(i => $"o-{i}"), relayed.Select(message => message.Data<Order>().Id));
        Assert.True(relayedAfter >= timing.OutboxRelayTime * messages, $"relayed after {relayedAfter}");
        await sidecar.SettleAsync();
    }

    [Fact]
    public async Task The_partitions_of_the_outbox_topic_relay_side_by_side()
    {
        const int partitions = 3, rounds = 2;
        var timing = Model with { Kafka = Model.Kafka!.WithOutboxPartitions(OutboxApp, Topics.Orders, partitions) };
        await using var sidecar = SidecarTestKit.ForRepository(SidecarTestKit.FastRetries with { Timing = timing }).WithDaprOutbox();
        var ordering = sidecar.ClientFor(OutboxApp);

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < partitions * rounds; i++)
        {
            await SaveWithOutboxAsync(ordering, $"o-{i}");
        }

        var relayed = await Eventually.MatchesAsync(() => sidecar.PubSub.Messages(Topics.Orders), all => all.Count == partitions * rounds,
            "the outbox to relay every message", timing.OutboxRelayTime * rounds + Eventually.Deadline, Token);
        var relayedAfter = clock.Elapsed;
        Report($"{partitions} outbox partitions relayed {partitions * rounds} messages in {relayedAfter.TotalSeconds:0.00} s: "
            + $"{partitions * rounds / relayedAfter.TotalSeconds:0.0} msg/s; model {timing.OutboxRelayCeilingPerSecond(OutboxApp, Topics.Orders):0.0} msg/s");

        // Each partition takes one message per relay time, all partitions at once: the first round is out before the
        // second, no sooner than rounds x relay time, and far sooner than one partition would manage.
        Assert.Equal(Enumerable.Range(0, partitions).Select(i => $"o-{i}").Order(), relayed.Take(partitions).Select(message => message.Data<Order>().Id).Order());
        Assert.True(relayedAfter >= timing.OutboxRelayTime * rounds, $"relayed after {relayedAfter}");
        Assert.True(relayedAfter < timing.OutboxRelayTime * partitions * rounds / 2, $"relayed after {relayedAfter}: the partitions did not run side by side");
    }

    [Fact]
    public async Task A_Kafka_partition_delivers_one_message_at_a_time_with_the_charts_partition_count()
    {
        var partitions = Model.PartitionsOf(Topics.Catalog)!.Value;
        await using var sidecar = SidecarTestKit.ForRepository(SidecarTestKit.FastRetries with { Timing = Model });
        var handling = new ConcurrentDictionary<string, TaskCompletionSource>();
        var received = new ConcurrentQueue<string>();
        await using var app = await FakeApp.StartAsync(web =>
        {
            web.MapSubscribeHandler();
            web.MapPost("/catalog", async (HttpRequest request) =>
            {
                using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
                var id = body.RootElement.GetProperty("data").GetProperty("id").GetString()!;
                received.Enqueue(id);
                await handling.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                return Results.Ok();
            }).WithTopic(PubSub.Name, Topics.Catalog);
        });
        await sidecar.AddAppAsync("order-query", app.CreateHandler(), cancellationToken: Token);

        // Unkeyed, so the producer spreads them over the partitions in turn: message i and i + partitions share one.
        for (var i = 0; i < partitions * 2; i++)
        {
            await sidecar.PublishAsync(Topics.Catalog, Topics.Catalog, "flashsale.catalog.product-updated.v1", $$"""{"id":"m-{{i}}"}""");
        }

        Assert.Equal(Enumerable.Range(0, partitions * 2).Select(i => i % partitions), sidecar.PubSub.Messages(Topics.Catalog).Select(m => m.Partition!.Value));
        await Eventually.MatchesAsync(() => received.Count, count => count >= partitions, "every partition's first message to be in the app", cancellationToken: Token);
        Assert.Equal(Enumerable.Range(0, partitions).Select(i => $"m-{i}").Order(), received.Order());

        // Acknowledging partition 0's message lets its next one in, and only that one.
        handling["m-0"].SetResult();
        await Eventually.MatchesAsync(() => received.Count, count => count > partitions, "partition 0's second message", cancellationToken: Token);
        Assert.Equal($"m-{partitions}", received.Last());
        Assert.Equal(partitions + 1, received.Count);

        foreach (var id in Enumerable.Range(0, partitions * 2).Select(i => $"m-{i}"))
        {
            handling.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }

        await sidecar.SettleAsync();
        Assert.Equal(partitions * 2, received.Count);
    }

    [Fact]
    public async Task One_actor_takes_at_most_one_call_per_turn_time_each_turn_holding_it_for_its_state_save()
    {
        const int calls = 60;
        await using var actors = await ActorSidecar.StartAsync(TimeProvider.System, Model, Token);
        await using var app = await CounterActorApp.StartAsync(actors);

        var elapsed = await CallAtOnceAsync(actors, "increment", calls);
        var turn = Model.ActorTurn(stateOperations: 1);
        Report($"one actor took {calls} calls in {elapsed.TotalMilliseconds:0} ms: {calls / elapsed.TotalSeconds:0} calls/s; "
            + $"model {Model.SingleActorCeilingPerSecond:0} calls/s (a {turn.TotalMilliseconds:0.00} ms turn)");

        Assert.Equal(calls, actors.State.Read<int>("Counter", "hot", "count"));
        Assert.Equal(1, app.MaxInFlight);
        Assert.True(elapsed >= turn * calls, $"{calls} calls took {elapsed}, less than {calls} turns of {turn}");
    }

    [Fact]
    public async Task A_turn_that_registers_a_reminder_holds_its_actor_for_the_schedulers_time_too()
    {
        const int calls = 5;
        await using var actors = await ActorSidecar.StartAsync(TimeProvider.System, Model, Token);
        await using var app = await CounterActorApp.StartAsync(actors);

        var elapsed = await CallAtOnceAsync(actors, "increment-and-remind", calls);

        Assert.NotNull(actors.Reminders.Find(new ActorKey("Counter", "hot"), "later"));
        var turn = Model.ActorTurn(stateOperations: 1, reminderOperations: 1);
        Assert.True(elapsed >= turn * calls, $"{calls} calls took {elapsed}, less than {calls} turns of {turn}");
    }

    [Fact]
    public async Task Each_state_operation_publish_and_invocation_takes_at_least_its_modelled_latency()
    {
        const int hops = 20;
        await using var sidecar = SidecarTestKit.ForRepository(SidecarTestKit.FastRetries with { Timing = Model });
        await using var catalog = await FakeApp.StartAsync(web => web.MapGet("/ping", () => "pong"));
        await sidecar.AddAppAsync("catalog", catalog.CreateHandler(), cancellationToken: Token);
        var ordering = sidecar.ClientFor(OutboxApp);
        using var invocation = sidecar.CreateInvocationClient("catalog", callerAppId: OutboxApp);

        var state = await TimeAsync(hops, i => ordering.SaveStateAsync(OrdersStore, $"k-{i}", i, cancellationToken: Token));
        var publish = await TimeAsync(hops, _ => ordering.PublishEventAsync(PubSub.Name, Topics.Orders, new { ping = true }, Token));
        var invoke = await TimeAsync(hops, _ => invocation.GetStringAsync("/ping", Token));
        Report($"{hops} hops each: state {state.TotalMilliseconds:0.0} ms (model {(Model.StateOperation * hops).TotalMilliseconds:0.0}), "
            + $"publish {publish.TotalMilliseconds:0.0} ms (model {(Model.Publish * hops).TotalMilliseconds:0.0}), "
            + $"HTTP invocation {invoke.TotalMilliseconds:0.0} ms (model {(Model.HttpInvocation * hops).TotalMilliseconds:0.0})");

        Assert.True(state >= Model.StateOperation * hops, $"state: {state}");
        Assert.True(publish >= Model.Publish * hops, $"publish: {publish}");
        Assert.True(invoke >= Model.HttpInvocation * hops, $"invocation: {invoke}");
    }

    /// <summary>Calls one actor <paramref name="calls"/> times at once; how long until every call was answered (200).</summary>
    private static async Task<TimeSpan> CallAtOnceAsync(ActorSidecar actors, string method, int calls)
    {
        using var http = new HttpClient { BaseAddress = new Uri(actors.HttpEndpoint) };
        var clock = Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, calls).Select(_ => http.PostAsync($"/v1.0/actors/Counter/hot/method/{method}", null, Token)));
        var elapsed = clock.Elapsed;
        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        return elapsed;
    }

    private static async Task<TimeSpan> TimeAsync(int times, Func<int, Task> hop)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < times; i++)
        {
            await hop(i);
        }

        return clock.Elapsed;
    }

    private static Task SaveWithOutboxAsync(DaprClient ordering, string orderId) =>
        ordering.ExecuteStateTransactionAsync(OrdersStore,
        [
            new StateTransactionRequest(orderId, JsonSerializer.SerializeToUtf8Bytes(new Order(orderId), JsonSerializerOptions.Web), StateOperationType.Upsert,
                metadata: new Dictionary<string, string> { ["type"] = "flashsale.order.placed.v1", ["contentType"] = "application/json" }),
        ], cancellationToken: Token);

    private static void Report(string figures) => TestContext.Current.TestOutputHelper?.WriteLine(figures);

    private sealed record Order(string Id);

    /// <summary>
    /// An app hosting a <c>Counter</c> actor the way the Dapr SDK does over HTTP: an actor reads its state once when it is
    /// activated and keeps it; each call saves the incremented count in one state transaction through the sidecar, and
    /// optionally registers a reminder.
    /// </summary>
    private sealed class CounterActorApp : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, int> _counts = new();
        private readonly FakeApp _app;
        private int _inFlight;
        private int _maxInFlight;

        private CounterActorApp(FakeApp app) => _app = app;

        public int MaxInFlight => Volatile.Read(ref _maxInFlight);

        public static async Task<CounterActorApp> StartAsync(ActorSidecar actors)
        {
            var sidecar = new HttpClient { BaseAddress = new Uri(actors.HttpEndpoint) };
            CounterActorApp? self = null;
            var app = await FakeApp.StartAsync(web =>
            {
                web.MapGet("/healthz", () => Results.Ok());
                web.MapGet("/dapr/config", () => Results.Json(new { entities = new[] { "Counter" } }));
                web.MapPut("/actors/Counter/{id}/method/{method}", (string id, string method) => self!.HandleAsync(sidecar, id, method));
            });
            self = new CounterActorApp(app);
            await actors.HostAppAsync("counter", app.CreateHandler(), Token);
            return self;
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();

        private async Task<IResult> HandleAsync(HttpClient sidecar, string id, string method)
        {
            var inFlight = Interlocked.Increment(ref _inFlight);
            InterlockedMax(ref _maxInFlight, inFlight);
            try
            {
                if (!_counts.ContainsKey(id))
                {
                    using var stored = await sidecar.GetAsync($"/v1.0/actors/Counter/{id}/state/count", Token);
                    _counts[id] = stored.StatusCode == HttpStatusCode.OK ? int.Parse(await stored.Content.ReadAsStringAsync(Token), CultureInfo.InvariantCulture) : 0;
                }

                var count = _counts[id] + 1;
                using var saved = await sidecar.PostAsync($"/v1.0/actors/Counter/{id}/state", Json(JsonSerializer.Serialize(new[] { new { operation = "upsert", request = new { key = "count", value = count } } })), Token);
                saved.EnsureSuccessStatusCode();
                _counts[id] = count;
                if (method == "increment-and-remind")
                {
                    using var reminder = await sidecar.PutAsync($"/v1.0/actors/Counter/{id}/reminders/later", Json("""{"dueTime":"1h"}"""), Token);
                    reminder.EnsureSuccessStatusCode();
                }

                return Results.Ok();
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

        private static void InterlockedMax(ref int target, int value)
        {
            for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
            {
                if (Interlocked.CompareExchange(ref target, value, seen) == seen)
                {
                    return;
                }
            }
        }
    }
}

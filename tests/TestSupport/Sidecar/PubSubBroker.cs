using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace FlashSale.TestSupport.Sidecar;

/// <summary>
/// Kafka behind Dapr's pub/sub, for one test: topics are append-only logs; each subscribing app is its own consumer
/// group (Dapr's <c>consumerGroup: {appID}</c>) that starts from the oldest message; daprd wraps what apps publish in
/// CloudEvents, routes each event by the app's rules and delivers it over HTTP, honouring the app's answer.
/// <para>
/// Order is kept per (app, topic, partition): a message is delivered only after the previous one of its partition
/// was acknowledged, dead-lettered or dropped, while partitions run in parallel. Delivery is at-least-once.
/// With a timing model that relays the outbox (<see cref="PlatformTiming.OutboxRelayDelay"/>), outbox messages reach
/// their topic through daprd's relay (<see cref="OutboxRelay"/>) instead of with their transaction.
/// </para>
/// </summary>
public sealed class PubSubBroker
{
    private const string DefaultPubSub = Contracts.PubSub.Name;

    private readonly InMemoryDapr _dapr;
    private readonly SidecarApps _apps;
    private readonly SidecarOptions _options;
    private readonly FaultSwitches _faults;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string PubSub, string Topic), TopicLog> _topics = [];
    private readonly Dictionary<(string AppId, string PubSub, string Topic), Consumer> _consumers = [];
    private readonly ConcurrentDictionary<(string AppId, string Topic, string Partition), Lane<Delivery>> _lanes = new();
    private readonly Dictionary<(string PubSub, string Topic), long> _nextPartition = [];
    private readonly OutboxRelay _relay;
    private readonly ConcurrentQueue<DeliveryRecord> _deliveries = new();
    private readonly ConcurrentQueue<DeadLetter> _deadLetters = new();
    private readonly ConcurrentQueue<string> _warnings = new();
    private readonly CancellationTokenSource _shutdown = new();
    private int _pending;
    private volatile bool _keepsHistory = true;

    internal PubSubBroker(InMemoryDapr dapr, SidecarApps apps, SidecarOptions options, FaultSwitches faults)
    {
        _dapr = dapr;
        _apps = apps;
        _options = options;
        _faults = faults;
        _relay = new OutboxRelay(options.Timing, (message, body) => Append(message.PubSubName, message.Topic, message.BrokerKey, body),
            _warnings.Enqueue, _shutdown.Token);
        _dapr.MessagePublished += OnPublished;
    }

    /// <summary>Deliveries not yet settled (acknowledged, dead-lettered or dropped), and outbox messages not relayed yet.</summary>
    public int Pending => Volatile.Read(ref _pending) + _relay.Pending;

    /// <summary>Every delivery attempt, in the order they finished.</summary>
    public IReadOnlyList<DeliveryRecord> Deliveries => _deliveries.ToArray();

    /// <summary>Messages the sidecar gave up on or skipped to a dead-letter topic, with why.</summary>
    public IReadOnlyList<DeadLetter> DeadLetters => _deadLetters.ToArray();

    /// <summary>What a real daprd would have logged as a warning (e.g. a subscription to a pub/sub the app cannot see).</summary>
    public IReadOnlyList<string> Warnings => _warnings.ToArray();

    /// <summary>The messages on a topic, oldest first, as a consumer reading it from the start would see them.</summary>
    public IReadOnlyList<BrokerMessage> Messages(string topic, string pubsubName = DefaultPubSub)
    {
        lock (_lock)
        {
            return _topics.TryGetValue((pubsubName, topic), out var log) ? log.Retained.ToArray() : [];
        }
    }

    /// <summary>
    /// Writes raw bytes to a topic as a producer outside Dapr would (no CloudEvent envelope), e.g. a non-JSON message
    /// that the sidecar cannot parse.
    /// </summary>
    public BrokerMessage ProduceRaw(string topic, byte[] body, string? partitionKey = null, string pubsubName = DefaultPubSub) =>
        Append(pubsubName, topic, partitionKey, body);

    internal void Unsubscribe() => _dapr.MessagePublished -= OnPublished;

    /// <summary>See <see cref="DaprSidecarStandIn.StopKeepingHistory"/>.</summary>
    internal void StopKeepingHistory() => _keepsHistory = false;

    internal void Shutdown()
    {
        Unsubscribe();
        _shutdown.Cancel();
    }

    /// <summary>Reads the app's subscriptions and starts (or, after a restart, updates) its consumers.</summary>
    internal void Subscribe(string appId, IReadOnlyList<Subscription> subscriptions)
    {
        foreach (var subscription in subscriptions)
        {
            if (_dapr.Components is { } components
                && (components.Find(subscription.PubSubName) is not { IsPubSub: true } pubsub || !pubsub.IsVisibleTo(appId)))
            {
                // daprd only subscribes through components loaded for the app; it logs and carries on.
                _warnings.Enqueue($"{appId}: subscription to topic '{subscription.Topic}' ignored: pubsub {subscription.PubSubName} not found");
                continue;
            }

            lock (_lock)
            {
                var key = (appId, subscription.PubSubName, subscription.Topic);
                if (_consumers.TryGetValue(key, out var existing))
                {
                    existing.Subscription = subscription;
                    continue;
                }

                var consumer = new Consumer(appId, subscription);
                _consumers[key] = consumer;

                // A new consumer group with initialOffset "oldest" reads the topic from its first retained message.
                foreach (var message in TopicLogOf(subscription.PubSubName, subscription.Topic).Retained)
                {
                    Dispatch(consumer, message);
                }
            }
        }
    }

    private void OnPublished(PublishedMessage message)
    {
        var raw = string.Equals(message.Metadata.GetValueOrDefault("rawPayload"), "true", StringComparison.OrdinalIgnoreCase);
        var body = raw ? message.Data : CloudEvents.Wrap(message, _options.TimeProvider.GetUtcNow());
        if (message.ViaOutbox && _relay.IsModelled)
        {
            _relay.Enqueue(message, body);
            return;
        }

        Append(message.PubSubName, message.Topic, message.BrokerKey, body);
    }

    private BrokerMessage Append(string pubsubName, string topic, string? partitionKey, byte[] body)
    {
        lock (_lock)
        {
            var log = TopicLogOf(pubsubName, topic);
            var message = new BrokerMessage(pubsubName, topic, log.NextOffset++, partitionKey, body, _options.TimeProvider.GetUtcNow())
            {
                Partition = PartitionFor(pubsubName, topic, partitionKey),
            };
            if (_keepsHistory)
            {
                log.Retained.Add(message);
            }

            foreach (var consumer in _consumers.Values.Where(c => c.Subscription.PubSubName == pubsubName && c.Subscription.Topic == topic))
            {
                Dispatch(consumer, message);
            }

            return message;
        }
    }

    private TopicLog TopicLogOf(string pubsubName, string topic)
    {
        if (!_topics.TryGetValue((pubsubName, topic), out var log))
        {
            _topics[(pubsubName, topic)] = log = new TopicLog();
        }

        return log;
    }

    /// <summary>
    /// The Kafka partition the producer writes to, when the topic has a partition count: the key's hash, or (without a
    /// key) the next partition in turn. Null: one lane per key, and none for unkeyed messages. Called under _lock.
    /// </summary>
    private int? PartitionFor(string pubsubName, string topic, string? partitionKey)
    {
        if (_options.PartitionsOf(topic) is not { } count)
        {
            return null;
        }

        if (partitionKey is not null)
        {
            return (int)(StableHash(partitionKey) % (uint)count);
        }

        var next = _nextPartition.GetValueOrDefault((pubsubName, topic));
        _nextPartition[(pubsubName, topic)] = next + 1;
        return (int)(next % count);
    }

    // Called under _lock, so lanes receive messages in offset order.
    private void Dispatch(Consumer consumer, BrokerMessage message)
    {
        var lane = _lanes.GetOrAdd((consumer.AppId, message.Topic, LaneOf(message)), _ => new Lane<Delivery>());
        Interlocked.Increment(ref _pending);
        if (lane.Enqueue(new Delivery(consumer, message)))
        {
            _ = Task.Run(() => DrainAsync(lane));
        }
    }

    private static string LaneOf(BrokerMessage message) => (message.Partition, message.PartitionKey) switch
    {
        ({ } partition, _) => "p" + partition,
        (null, { } key) => "key:" + key,
        // Without a key Kafka's producer spreads messages over partitions: no order between them.
        (null, null) => "offset:" + message.Offset,
    };

    private async Task DrainAsync(Lane<Delivery> lane)
    {
        while (lane.TryPeek(out var delivery))
        {
            try
            {
                if (_faults.DeliversToTwoReplicas(delivery.Consumer.AppId, delivery.Message) && _apps.ReplicaCount(delivery.Consumer.AppId) > 1)
                {
                    await Task.WhenAll(
                        DeliverUntilSettledAsync(delivery, duplicate: false),
                        DeliverUntilSettledAsync(delivery, duplicate: true, replicaShift: 1));
                }
                else
                {
                    await DeliverUntilSettledAsync(delivery, duplicate: false);
                }

                if (_faults.DeliverEveryMessageTwice)
                {
                    await DeliverUntilSettledAsync(delivery, duplicate: true);
                }
            }
            catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A bug in the stand-in must not wedge the partition silently.
                _warnings.Enqueue($"{delivery.Consumer.AppId}: delivery of {delivery.Message.Topic}#{delivery.Message.Offset} failed in the stand-in: {ex}");
            }
            finally
            {
                lane.Dequeue();
                Interlocked.Decrement(ref _pending);
            }
        }
    }

    /// <summary>Delivers to the replica the message's partition is assigned to (or, shifted, to another one).</summary>
    private async Task DeliverUntilSettledAsync(Delivery delivery, bool duplicate, int replicaShift = 0)
    {
        var (consumer, message) = delivery;
        var app = _apps.ReplicaFor(consumer.AppId, message.Topic + "/" + LaneOf(message), replicaShift);
        await WaitUntilDueAsync(message);
        for (var attempt = 1; ; attempt++)
        {
            await app.WaitUntilRunningAsync(_shutdown.Token);
            var reorder = _faults.ReorderDelay(consumer.AppId, message.Topic, message.Offset);
            if (reorder > TimeSpan.Zero)
            {
                await Task.Delay(reorder, _shutdown.Token);
            }

            var generation = app.Generation;
            var result = await AttemptAsync(app, consumer.Subscription, message, attempt);
            if (app.Generation != generation || !app.IsRunning)
            {
                // The app went down while handling it: the offset was never committed, so it comes again after the
                // restart (at-least-once), and this attempt does not count.
                attempt--;
                continue;
            }

            if (_keepsHistory)
            {
                _deliveries.Enqueue(new DeliveryRecord(consumer.AppId, message.Topic, message.Offset, message.PartitionKey,
                    result.EventId, result.EventType, result.Path, attempt, result.Answer, result.HttpStatus, duplicate,
                    _options.TimeProvider.GetUtcNow(), app.BaseAddress));
            }

            var hasDeadLetterTopic = consumer.Subscription.DeadLetterTopic is not null;
            switch (result.Answer.Settles(hasDeadLetterTopic))
            {
                case Settlement.Acknowledge:
                    return;
                case Settlement.DeadLetter:
                    GiveUp(consumer, message, result, $"{result.Answer} on attempt {attempt}", toDeadLetterTopic: true);
                    return;
                case Settlement.Discard:
                    GiveUp(consumer, message, result, $"{result.Answer}: daprd logs it and drops it", toDeadLetterTopic: false);
                    return;
                case Settlement.Retry when attempt >= _options.MaxDeliveryAttempts:
                    GiveUp(consumer, message, result, $"still failing after {attempt} attempts (last: {result.Answer})", toDeadLetterTopic: true);
                    return;
                default:
                    await Task.Delay(Backoff(attempt), _shutdown.Token);
                    break;
            }
        }
    }

    private async Task WaitUntilDueAsync(BrokerMessage message)
    {
        await _faults.ReleaseOf(message.Topic).WaitAsync(_shutdown.Token);
        // Task.Delay truncates to whole milliseconds and its timer may wake a little early: wait until the clock agrees.
        TimeSpan due;
        while ((due = message.Timestamp + _faults.DelayOf(message.Topic) - _options.TimeProvider.GetUtcNow()) > TimeSpan.Zero)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(due.TotalMilliseconds)), _options.TimeProvider, _shutdown.Token);
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var delay = _options.RetryBackoff * Math.Pow(2, attempt - 1);
        return delay < _options.MaxRetryBackoff ? delay : _options.MaxRetryBackoff;
    }

    private async Task<AttemptResult> AttemptAsync(AppEndpoint app, Subscription subscription, BrokerMessage message, int attempt)
    {
        if (message.Json is not { } cloudEvent)
        {
            // daprd cannot read the message as a CloudEvent: it goes to the dead-letter topic without reaching the app.
            return new AttemptResult(AppAnswer.NotACloudEvent, null, null, null, null);
        }

        var eventId = message.EventId;
        var eventType = message.EventType;
        string? path;
        try
        {
            path = cloudEvent.ValueKind == JsonValueKind.Object ? subscription.PathFor(cloudEvent) : subscription.DefaultPath;
        }
        catch (RouteMatchException)
        {
            return new AttemptResult(AppAnswer.RouteError, eventId, eventType, null, null);
        }

        if (path is null)
        {
            // No rule matched and there is no default route: daprd skips the event (and commits its offset).
            return new AttemptResult(AppAnswer.NoRoute, eventId, eventType, null, null);
        }

        if (attempt < _options.MaxDeliveryAttempts && _faults.ShouldFail(app.AppId, message.Topic, message.Offset, attempt))
        {
            return new AttemptResult(AppAnswer.InjectedFault, eventId, eventType, path, null);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(app.BaseAddress, "/" + path.TrimStart('/')))
        {
            Content = new ByteArrayContent(message.Body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(CloudEvents.ContentType);
        if (message.TraceParent is { } traceParent)
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
            timeout.CancelAfter(_options.DeliveryTimeout);
            using var response = await app.Invoker.SendAsync(request, timeout.Token);
            var answer = await ReadAnswerAsync(response, timeout.Token);
            return new AttemptResult(answer, eventId, eventType, path, (int)response.StatusCode);
        }
        catch (Exception) when (!_shutdown.IsCancellationRequested)
        {
            // Refused connection, timeout, a host shut down mid-request: all the same to daprd.
            return new AttemptResult(AppAnswer.Unreachable, eventId, eventType, path, null);
        }
    }

    /// <summary>
    /// daprd's reading of the app's answer: a 2xx with <c>{"status": "SUCCESS" | "RETRY" | "DROP"}</c>; an empty or
    /// unparsable 2xx body, or no status, is success; an unknown status is retried; 404 drops; any other status retries.
    /// </summary>
    private static async Task<AppAnswer> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return AppAnswer.NotFound;
        }

        if (!response.IsSuccessStatusCode)
        {
            return AppAnswer.Failed;
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        string? status;
        try
        {
            using var document = JsonDocument.Parse(body);
            status = document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("status", out var value) && value.ValueKind == JsonValueKind.String
                    ? value.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return AppAnswer.Success;
        }

        return status?.ToUpperInvariant() switch
        {
            null or "" or "SUCCESS" => AppAnswer.Success,
            "RETRY" => AppAnswer.Retry,
            "DROP" => AppAnswer.Drop,
            _ => AppAnswer.UnknownStatus,
        };
    }

    /// <summary>
    /// The sidecar stops trying: the message goes to the subscription's dead-letter topic when it has one (and the
    /// answer allows it), otherwise it is lost, as with daprd. Recorded either way.
    /// </summary>
    private void GiveUp(Consumer consumer, BrokerMessage message, AttemptResult result, string reason, bool toDeadLetterTopic)
    {
        var deadLetterTopic = toDeadLetterTopic ? consumer.Subscription.DeadLetterTopic : null;
        _deadLetters.Enqueue(new DeadLetter(consumer.AppId, message.Topic, deadLetterTopic, message.Offset, result.EventId,
            result.EventType, result.Answer, reason, message.Body));
        if (deadLetterTopic is not null)
        {
            // daprd republishes the message as it was received (same CloudEvent) to the dead-letter topic.
            Append(consumer.Subscription.PubSubName, deadLetterTopic, message.PartitionKey, message.Body);
        }
    }

    /// <summary>The unsettled deliveries, for a timeout message that says what is stuck.</summary>
    internal IReadOnlyList<string> DescribePending() =>
        _lanes.SelectMany(lane => lane.Value.Snapshot().Select(delivery =>
            $"{lane.Key.AppId} <- {lane.Key.Topic}#{delivery.Message.Offset} (key {delivery.Message.PartitionKey ?? "-"}, type {delivery.Message.EventType ?? "?"})"
            + (_apps.IsRunning(lane.Key.AppId) ? string.Empty : " [app stopped]")))
        .Concat(_relay.DescribePending())
        .ToList();

    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    private sealed class Consumer(string appId, Subscription subscription)
    {
        public string AppId { get; } = appId;

        public Subscription Subscription { get; set; } = subscription;
    }

    private sealed record Delivery(Consumer Consumer, BrokerMessage Message);

    /// <summary>A topic's next offset and the messages kept for new consumer groups and for inspection. Used under _lock.</summary>
    private sealed class TopicLog
    {
        public long NextOffset { get; set; }

        public List<BrokerMessage> Retained { get; } = [];
    }

    private sealed record AttemptResult(AppAnswer Answer, string? EventId, string? EventType, string? Path, int? HttpStatus);
}

/// <summary>A message on a topic: what a Kafka consumer reads (for Dapr publishers, a CloudEvent in JSON).</summary>
public sealed record BrokerMessage(string PubSubName, string Topic, long Offset, string? PartitionKey, byte[] Body, DateTimeOffset Timestamp)
{
    /// <summary>The Kafka partition it was written to, or null when the stand-in gives the topic no partition count.</summary>
    public int? Partition { get; init; }

    // Parsed once per message, not per delivery: every consumer group and every retry reads the same bytes.
    private readonly Lazy<JsonElement?> _json = new(() => Parse(Body));

    /// <summary>The body as JSON, or null when it is not JSON.</summary>
    public JsonElement? Json => _json.Value;

    /// <summary>The CloudEvent, or null when the body is not a JSON object.</summary>
    public JsonElement? CloudEvent => Json is { ValueKind: JsonValueKind.Object } cloudEvent ? cloudEvent : null;

    public string? EventId => Attribute("id");

    public string? EventType => Attribute("type");

    public string? TraceParent => Attribute("traceparent");

    /// <summary>The CloudEvent's <c>data</c> as the subscriber's SDK would read it (a JSON value, or JSON inside a string).</summary>
    public T Data<T>()
    {
        var data = CloudEvent is { } cloudEvent && cloudEvent.TryGetProperty("data", out var value)
            ? value
            : throw new InvalidOperationException($"{Topic}#{Offset} has no CloudEvent data");
        return data.ValueKind == JsonValueKind.String
            ? JsonSerializer.Deserialize<T>(data.GetString()!, JsonSerializerOptions.Web)!
            : data.Deserialize<T>(JsonSerializerOptions.Web)!;
    }

    private string? Attribute(string name) =>
        CloudEvent is { } cloudEvent && cloudEvent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static JsonElement? Parse(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>How one delivery attempt ended, as daprd classifies the app's answer.</summary>
public enum AppAnswer
{
    /// <summary>2xx with SUCCESS, no status or an empty/unparsable body.</summary>
    Success,

    /// <summary>2xx with RETRY.</summary>
    Retry,

    /// <summary>2xx with DROP: to the dead-letter topic if the subscription has one, else dropped.</summary>
    Drop,

    /// <summary>2xx with a status daprd does not know: retried.</summary>
    UnknownStatus,

    /// <summary>HTTP 404: daprd logs a non-retriable error and drops the message, without the dead-letter topic.</summary>
    NotFound,

    /// <summary>Any other non-2xx status: retried.</summary>
    Failed,

    /// <summary>The app could not be reached or timed out: retried.</summary>
    Unreachable,

    /// <summary>No routing rule matched and there is no default route: never delivered; a copy goes to the dead-letter
    /// topic if the subscription has one.</summary>
    NoRoute,

    /// <summary>A routing rule could not be evaluated on the event: dead-lettered if possible, else retried.</summary>
    RouteError,

    /// <summary>The message is not a CloudEvent daprd can read: dead-lettered without reaching the app if possible,
    /// else retried.</summary>
    NotACloudEvent,

    /// <summary>A failure injected by <see cref="FaultSwitches.FailDeliveries"/>: retried.</summary>
    InjectedFault,
}

internal enum Settlement
{
    Acknowledge,
    Retry,
    DeadLetter,
    Discard,
}

internal static class AppAnswerExtensions
{
    /// <summary>What daprd does next (dapr/pkg/runtime/subscription): see <see cref="AppAnswer"/>.</summary>
    public static Settlement Settles(this AppAnswer answer, bool hasDeadLetterTopic) => answer switch
    {
        AppAnswer.Success => Settlement.Acknowledge,
        AppAnswer.NoRoute => hasDeadLetterTopic ? Settlement.DeadLetter : Settlement.Acknowledge,
        AppAnswer.Drop => Settlement.DeadLetter,
        AppAnswer.NotFound => Settlement.Discard,
        AppAnswer.NotACloudEvent or AppAnswer.RouteError => hasDeadLetterTopic ? Settlement.DeadLetter : Settlement.Retry,
        _ => Settlement.Retry,
    };
}

/// <summary>One delivery attempt of a message to an app; <see cref="Replica"/> is the address of the replica it reached.</summary>
public sealed record DeliveryRecord(
    string AppId, string Topic, long Offset, string? PartitionKey, string? EventId, string? EventType, string? Path, int Attempt,
    AppAnswer Answer, int? HttpStatus, bool Duplicate, DateTimeOffset At, Uri Replica);

/// <summary>A message the sidecar gave up on for one app; <see cref="DeadLetterTopic"/> is null when it was not sent to
/// one (no dead-letter topic, or a 404 answer): the message is then lost, as with daprd.</summary>
public sealed record DeadLetter(
    string AppId, string Topic, string? DeadLetterTopic, long Offset, string? EventId, string? EventType, AppAnswer LastAnswer,
    string Reason, byte[] Body);

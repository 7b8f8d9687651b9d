namespace FlashSale.TestSupport.Sidecar;

/// <summary>
/// How long the real platform takes where the stand-in answers at once, and the ceilings that follow: a latency per
/// hop (service invocation, state operations, actor calls and reminders, publish), daprd's outbox relay (1 s per message,
/// one message at a time per partition of its internal topic) and Kafka's one message at a time per partition, with the
/// partition counts the chart declares. Every modelled wait is added to the work the stand-in does itself.
/// <para>
/// <see cref="None"/> (the default of <see cref="SidecarOptions.Timing"/>) models nothing, for unit and component
/// tests. <see cref="Dapr117"/> takes Dapr's published v1.17 performance report (dapr/dapr
/// <c>tests/perf/report/charts/v1.17.0/README.md</c>, the p50 of each API) and daprd's and Kafka's source; see
/// docs/testing/sidecar-stand-in.md. Change a figure with <c>PlatformTiming.Dapr117 with { ... }</c>.
/// </para>
/// </summary>
public sealed record PlatformTiming
{
    private static readonly Lazy<PlatformTiming> Dapr117Figures = new(() => new PlatformTiming
    {
        Name = "dapr-1.17",
        HttpInvocation = TimeSpan.FromMilliseconds(1.59),
        GrpcInvocation = TimeSpan.FromMilliseconds(2.25),
        StateOperation = TimeSpan.FromMilliseconds(0.57),
        Publish = TimeSpan.FromMilliseconds(0.60),
        ActorCall = TimeSpan.FromMilliseconds(2.30),
        ReminderOperation = TimeSpan.FromMilliseconds(35.99),
        OutboxRelayDelay = TimeSpan.FromSeconds(1),
        Kafka = KafkaTopics.FromChart(),
    });

    /// <summary>Nothing modelled: every hop answers as fast as the process can, and partitions are as <see cref="SidecarOptions.PartitionCount"/> says.</summary>
    public static PlatformTiming None { get; } = new();

    /// <summary>Dapr 1.17's published figures, daprd's outbox relay and the chart's Kafka partitions.</summary>
    public static PlatformTiming Dapr117 => Dapr117Figures.Value;

    /// <summary>What a report calls this model ("none", "dapr-1.17").</summary>
    public string Name { get; init; } = "none";

    public bool IsModelled => this != None;

    /// <summary>Service invocation over HTTP, caller to callee and back (v1.17: p50 1.59 ms, 1 KB at 1,000 QPS).</summary>
    public TimeSpan HttpInvocation { get; init; }

    /// <summary>Service invocation over gRPC, as ordering prices through catalog (v1.17: p50 2.25 ms).</summary>
    public TimeSpan GrpcInvocation { get; init; }

    /// <summary>One state operation or transaction through the sidecar (v1.17: state get over gRPC, p50 0.57 ms).</summary>
    public TimeSpan StateOperation { get; init; }

    /// <summary>One publish through the sidecar (v1.17: publish over gRPC, p50 0.60 ms).</summary>
    public TimeSpan Publish { get; init; }

    /// <summary>One actor method call through the sidecars (v1.17: actor activation over HTTP, p50 2.30 ms).</summary>
    public TimeSpan ActorCall { get; init; }

    /// <summary>Registering or deleting an actor reminder, persisted by the scheduler (v1.17: registration p50 35.99 ms).</summary>
    public TimeSpan ReminderOperation { get; init; }

    /// <summary>
    /// daprd's wait before relaying each outbox message (<c>defaultStateScanDelay</c> in pkg/runtime/pubsub/outbox.go).
    /// Zero: outbox messages are published with their transaction, as without the model.
    /// </summary>
    public TimeSpan OutboxRelayDelay { get; init; }

    /// <summary>The topics' partition counts (null: <see cref="SidecarOptions.PartitionCount"/> applies).</summary>
    public KafkaTopics? Kafka { get; init; }

    public TimeSpan Invocation(bool grpc) => grpc ? GrpcInvocation : HttpInvocation;

    /// <summary>How long one actor turn holds its actor: the call, and the state and reminder operations it makes.</summary>
    public TimeSpan ActorTurn(int stateOperations = 1, int reminderOperations = 0) =>
        ActorCall + StateOperation * stateOperations + ReminderOperation * reminderOperations;

    /// <summary>Calls per second one actor id can take when each call saves its state once: 1 / <see cref="ActorTurn"/>.</summary>
    public double SingleActorCeilingPerSecond => PerSecond(ActorTurn());

    /// <summary>The relay's time per message: the delay, reading the committed state, the publish, deleting the marker.</summary>
    public TimeSpan OutboxRelayTime => OutboxRelayDelay > TimeSpan.Zero ? OutboxRelayDelay + StateOperation * 2 + Publish : TimeSpan.Zero;

    /// <summary>Messages per second one partition of an outbox's internal topic relays (about 1).</summary>
    public double OutboxRelayPerPartitionPerSecond => PerSecond(OutboxRelayTime);

    /// <summary>Messages per second an app's outbox relays to <paramref name="topic"/> over all partitions of its internal topic.</summary>
    public double OutboxRelayCeilingPerSecond(string appId, string topic) =>
        OutboxRelayPerPartitionPerSecond * (Kafka?.OutboxPartitionsOf(appId, topic) ?? 1);

    /// <summary>How many partitions of <paramref name="topic"/> the model gives Kafka, or null when it does not say.</summary>
    public int? PartitionsOf(string topic) => Kafka?.PartitionsOf(topic);

    private static double PerSecond(TimeSpan time) => time > TimeSpan.Zero ? 1 / time.TotalSeconds : double.PositiveInfinity;
}

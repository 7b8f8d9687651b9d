namespace FlashSale.TestSupport.Sidecar;

/// <summary>How the stand-in's broker and sidecar behave where Dapr and Kafka leave a choice to configuration.</summary>
public sealed record SidecarOptions
{
    /// <summary>
    /// Kafka partitions per topic. Null (the default): one ordered lane per partition key, so different keys never wait
    /// for each other. A number: keys hash onto that many partitions, and a stuck message blocks every key sharing its
    /// partition, as in Kafka. Messages without a key take a partition of their own (none) or the next one in turn.
    /// </summary>
    public int? PartitionCount { get; init; }

    /// <summary>
    /// The platform's timing: <see cref="PlatformTiming.None"/> (the default) answers at once; with
    /// <see cref="PlatformTiming.Dapr117"/> each hop takes Dapr's published time, the outbox relays one message per second
    /// per partition and every topic has the chart's partitions (which take precedence over <see cref="PartitionCount"/>).
    /// Give the same timing to <see cref="Actors.ActorSidecar"/>.
    /// </summary>
    public PlatformTiming Timing { get; init; } = PlatformTiming.None;

    /// <summary>The partitions of <paramref name="topic"/>: the timing model's (the chart's), else <see cref="PartitionCount"/>.</summary>
    public int? PartitionsOf(string topic) => Timing.PartitionsOf(topic) ?? PartitionCount;

    /// <summary>Attempts per message before it is dead-lettered, the role of a resiliency retry policy on the pub/sub.</summary>
    public int MaxDeliveryAttempts { get; init; } = 5;

    /// <summary>Wait before the first redelivery; doubles per attempt up to <see cref="MaxRetryBackoff"/>.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(10);

    public TimeSpan MaxRetryBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long the sidecar waits for an app to answer one delivery before it counts as failed.</summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The clock of CloudEvent <c>time</c> attributes and publish timestamps. Backoff and injected delays always wait
    /// in real time, so a frozen test clock cannot stall deliveries.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

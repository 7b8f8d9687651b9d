using System.Collections.Concurrent;

namespace FlashSale.TestSupport.Sidecar;

/// <summary>
/// daprd's outbox relay, as the timing model has it (dapr/dapr <c>pkg/runtime/pubsub/outbox.go</c>). A transaction on
/// an outbox store publishes each message to an internal topic, <c>{namespace}{appId}{topic}outbox</c>, without a key,
/// so Kafka's producer picks the partition; the app's own sidecar consumes that topic and, for each message, sleeps
/// <c>defaultStateScanDelay</c> (1 s), checks the transaction's state exists, publishes to the real topic and deletes
/// the marker. Kafka hands one consumer the messages of a partition one at a time (components-contrib
/// <c>common/component/kafka/consumer.go</c>, <c>ConsumeClaim</c>), so each partition relays about one message a second.
/// The stand-in spreads messages over the partitions in turn (the producer picks one at random: the same on average).
/// </summary>
internal sealed class OutboxRelay(PlatformTiming timing, Action<PublishedMessage, byte[]> publish, Action<string> warn, CancellationToken shutdown)
{
    private readonly ConcurrentDictionary<(string InternalTopic, int Partition), Partition> _partitions = new();
    private readonly ConcurrentDictionary<string, long> _nextPartition = new(StringComparer.Ordinal);
    private int _pending;

    /// <summary>True when outbox messages go through the relay rather than straight to their topic.</summary>
    public bool IsModelled => timing.OutboxRelayDelay > TimeSpan.Zero;

    /// <summary>Messages on an internal topic not relayed yet.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>The internal topic daprd names for an app's outbox (without the namespace prefix, which is the pod's).</summary>
    public static string InternalTopic(string appId, string topic) => appId + topic + "outbox";

    /// <summary>Takes a committed outbox message (<paramref name="body"/>: its CloudEvent, built at commit as daprd does).</summary>
    public void Enqueue(PublishedMessage message, byte[] body)
    {
        var topic = InternalTopic(message.AppId, message.Topic);
        var partitions = timing.Kafka?.OutboxPartitionsOf(message.AppId, message.Topic) ?? 1;
        var index = (int)(_nextPartition.AddOrUpdate(topic, 0, (_, last) => last + 1) % partitions);
        var partition = _partitions.GetOrAdd((topic, index), _ => new Partition(new Lane<Relaying>(), new VirtualTimeline()));
        Interlocked.Increment(ref _pending);
        if (partition.Messages.Enqueue(new Relaying(message, body, PlatformClock.Now)))
        {
            _ = Task.Run(() => DrainAsync(partition));
        }
    }

    public IEnumerable<string> DescribePending() =>
        _partitions.SelectMany(partition => partition.Value.Messages.Snapshot().Select(item =>
            $"outbox relay {partition.Key.InternalTopic}#{partition.Key.Partition} -> {item.Message.Topic} (type {item.Message.CloudEventType ?? "?"})"));

    private async Task DrainAsync(Partition partition)
    {
        while (partition.Messages.TryPeek(out var item))
        {
            try
            {
                await PlatformClock.WaitUntilAsync(partition.Timeline.Schedule(item.Arrival, timing.OutboxRelayTime), shutdown);
                publish(item.Message, item.Body);
            }
            catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                warn($"{item.Message.AppId}: relaying an outbox message to {item.Message.Topic} failed in the stand-in: {ex}");
            }
            finally
            {
                partition.Messages.Dequeue();
                Interlocked.Decrement(ref _pending);
            }
        }
    }

    private sealed record Relaying(PublishedMessage Message, byte[] Body, long Arrival);

    /// <summary>One partition of the internal topic as the app's sidecar consumes it, on the model's clock.</summary>
    private sealed record Partition(Lane<Relaying> Messages, VirtualTimeline Timeline);
}

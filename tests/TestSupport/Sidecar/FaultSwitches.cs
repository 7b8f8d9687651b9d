using System.Collections.Concurrent;

namespace FlashSale.TestSupport.Sidecar;

/// <summary>
/// Faults a real cluster produces now and then, switched on at will. Decisions are draws of a pseudo-random number
/// derived from a seed and the message's app, topic, offset and attempt, never from scheduling, so a failing run can be
/// repeated; each (message, attempt) gets its own draw, independent of the others.
/// Stopping and restarting an app is on <see cref="DaprSidecarStandIn"/>.
/// </summary>
public sealed class FaultSwitches
{
    private readonly ConcurrentDictionary<string, TimeSpan> _topicDelays = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _heldTopics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<object, (string AppId, Func<BrokerMessage, bool> Matches)> _replicaDuplicates = new();
    private volatile FailureRate? _failures;

    /// <summary>Every message is delivered a second time right after it was acknowledged (a redelivery after a lost
    /// offset commit), with the same CloudEvent id.</summary>
    public bool DeliverEveryMessageTwice { get; set; }

    /// <summary>Each delivery waits a pseudo-random time up to <see cref="ReorderWindow"/>, so messages on different
    /// partitions overtake each other; order within a partition is kept, as Kafka keeps it.</summary>
    public bool ReorderAcrossPartitions { get; set; }

    public TimeSpan ReorderWindow { get; set; } = TimeSpan.FromMilliseconds(30);

    public int Seed { get; set; } = 20_240_601;

    /// <summary>Messages of <paramref name="topic"/> are delivered no earlier than <paramref name="delay"/> after they
    /// were published (a lagging consumer).</summary>
    public void DelayTopic(string topic, TimeSpan delay) => _topicDelays[topic] = delay;

    public void ClearTopicDelay(string topic) => _topicDelays.TryRemove(topic, out _);

    /// <summary>Messages of <paramref name="topic"/> wait, in their partitions' order, until <see cref="ReleaseTopic"/>
    /// (a consumer stuck for as long as a test needs, so events arrive in the order it chooses).</summary>
    public void HoldTopic(string topic) => _heldTopics.TryAdd(topic, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void ReleaseTopic(string topic)
    {
        if (_heldTopics.TryRemove(topic, out var hold))
        {
            hold.TrySetResult();
        }
    }

    /// <summary>
    /// Fails about <paramref name="fraction"/> of delivery attempts before they reach the app, as a broken connection
    /// would; the sidecar retries them. Each attempt fails on its own draw, so a message fails k attempts in a row with
    /// probability fraction^k. An injected failure never hits a message's last allowed attempt: it models a transient
    /// fault, so on its own it never dead-letters a message.
    /// </summary>
    public void FailDeliveries(double fraction, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1.0);
        _failures = new FailureRate(fraction, seed);
    }

    public void StopFailingDeliveries() => _failures = null;

    /// <summary>
    /// Every message for <paramref name="appId"/> that <paramref name="matches"/> is delivered to two of its replicas at
    /// once: the one its partition is assigned to and the next, as when a consumer-group rebalance hands the partition
    /// over while the first replica is still handling it (the offset was not committed). Both deliveries go on until
    /// settled; the second is recorded as a duplicate. Until the returned handle is disposed; needs two replicas
    /// (<see cref="DaprSidecarStandIn.AddReplicaAsync"/>).
    /// </summary>
    public IDisposable DeliverToTwoReplicas(string appId, Func<BrokerMessage, bool> matches)
    {
        var handle = new ReplicaDuplicates(this);
        _replicaDuplicates[handle] = (appId, matches);
        return handle;
    }

    /// <summary>Switches everything off.</summary>
    public void Reset()
    {
        DeliverEveryMessageTwice = false;
        ReorderAcrossPartitions = false;
        _topicDelays.Clear();
        foreach (var topic in _heldTopics.Keys)
        {
            ReleaseTopic(topic);
        }

        _failures = null;
        _replicaDuplicates.Clear();
    }

    internal bool DeliversToTwoReplicas(string appId, BrokerMessage message) =>
        _replicaDuplicates.Values.Any(duplicate => duplicate.AppId == appId && duplicate.Matches(message));

    internal TimeSpan DelayOf(string topic) => _topicDelays.GetValueOrDefault(topic);

    internal Task ReleaseOf(string topic) => _heldTopics.TryGetValue(topic, out var hold) ? hold.Task : Task.CompletedTask;

    internal bool ShouldFail(string appId, string topic, long offset, int attempt) =>
        _failures is { } failures && Unit(failures.Seed, appId, topic, offset, attempt) < failures.Fraction;

    internal TimeSpan ReorderDelay(string appId, string topic, long offset) =>
        ReorderAcrossPartitions ? ReorderWindow * Unit(Seed, appId, topic, offset, 0) : TimeSpan.Zero;

    /// <summary>
    /// A uniform draw in [0, 1) for one (seed, app, topic, offset, attempt). Every field goes through SplitMix64's
    /// finalizer in turn, so inputs that differ in one bit (the attempt) give unrelated draws; a plain hash of the
    /// concatenated text does not, and made failures cluster by message. string.GetHashCode is randomized per process,
    /// hence a stable hash of the strings.
    /// </summary>
    private static double Unit(int seed, string appId, string topic, long offset, int attempt)
    {
        var state = Mix((ulong)seed);
        state = Mix(state ^ StableHash(appId));
        state = Mix(state ^ StableHash(topic));
        state = Mix(state ^ (ulong)offset);
        state = Mix(state ^ (ulong)attempt);
        return (state >> 11) * (1.0 / (1UL << 53));
    }

    // SplitMix64 (Steele, Lea and Flood, 2014): add the golden-ratio increment, then the finalizer's xor-shift-multiply.
    private static ulong Mix(ulong value)
    {
        var z = value + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    // FNV-1a over the UTF-16 code units, 64 bits.
    private static ulong StableHash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    private sealed record FailureRate(double Fraction, int Seed);

    private sealed class ReplicaDuplicates(FaultSwitches faults) : IDisposable
    {
        public void Dispose() => faults._replicaDuplicates.TryRemove(this, out _);
    }
}

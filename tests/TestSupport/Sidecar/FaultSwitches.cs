using System.Collections.Concurrent;
using System.Text;

namespace FlashSale.TestSupport.Sidecar;

/// <summary>
/// Faults a real cluster produces now and then, switched on at will. Decisions are derived from a seed and the
/// message's topic offset and attempt, never from scheduling, so a failing run can be repeated.
/// Stopping and restarting an app is on <see cref="DaprSidecarStandIn"/>.
/// </summary>
public sealed class FaultSwitches
{
    private readonly ConcurrentDictionary<string, TimeSpan> _topicDelays = new(StringComparer.Ordinal);
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

    /// <summary>
    /// Fails about <paramref name="fraction"/> of delivery attempts before they reach the app, as a broken connection
    /// would; the sidecar retries them. An injected failure never hits a message's last allowed attempt: it models a
    /// transient fault, so on its own it never dead-letters a message.
    /// </summary>
    public void FailDeliveries(double fraction, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1.0);
        _failures = new FailureRate(fraction, seed);
    }

    public void StopFailingDeliveries() => _failures = null;

    /// <summary>Switches everything off.</summary>
    public void Reset()
    {
        DeliverEveryMessageTwice = false;
        ReorderAcrossPartitions = false;
        _topicDelays.Clear();
        _failures = null;
    }

    internal TimeSpan DelayOf(string topic) => _topicDelays.GetValueOrDefault(topic);

    internal bool ShouldFail(string appId, string topic, long offset, int attempt) =>
        _failures is { } failures && Unit(failures.Seed, appId, topic, offset, attempt) < failures.Fraction;

    internal TimeSpan ReorderDelay(string appId, string topic, long offset) =>
        ReorderAcrossPartitions ? ReorderWindow * Unit(Seed, appId, topic, offset, 0) : TimeSpan.Zero;

    // FNV-1a: a stable hash (string.GetHashCode is randomized per process) mapped onto [0, 1).
    private static double Unit(int seed, string appId, string topic, long offset, int attempt)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes($"{seed}|{appId}|{topic}|{offset}|{attempt}"))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash / (double)uint.MaxValue * 0.999999;
    }

    private sealed record FailureRate(double Fraction, int Seed);
}

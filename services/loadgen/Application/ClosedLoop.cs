using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Application;

/// <summary>What a closed-loop run achieved: requests per second, their latency, the answers by label.</summary>
public sealed record ThroughputResult(int Connections, long Requests, double Seconds, double PerSecond, LatencySummary Latency, IReadOnlyDictionary<string, long> Answers);

/// <summary>
/// The maximum-throughput mode: <c>connections</c> workers each send the next request as soon as the previous one is
/// answered, for a duration, like wrk. It offers as much as the system takes, so its latency is per request (a
/// closed loop hides queueing; use <see cref="OpenLoop"/> to measure latency at a given rate).
/// </summary>
public static class ClosedLoop
{
    /// <summary>
    /// Runs <paramref name="operation"/> in a loop on each worker. The operation sends one request and returns the
    /// label its answer is counted under (e.g. "200", "409 Sold out").
    /// </summary>
    public static async Task<ThroughputResult> RunAsync(
        int connections, TimeSpan duration, Func<CancellationToken, Task<string>> operation, TimeProvider? clock = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        clock ??= TimeProvider.System;
        var latency = new LatencyRecorder();
        var answers = new AnswerTally();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var start = clock.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * clock.TimestampFrequency);

        async Task WorkAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var sent = clock.GetTimestamp();
                if (sent >= deadline)
                {
                    return;
                }

                string label;
                try
                {
                    label = await operation(stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }

                latency.Record(clock.GetElapsedTime(sent));
                answers.Add(label);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(WorkAsync, CancellationToken.None)));
        var seconds = clock.GetElapsedTime(start).TotalSeconds;
        var total = answers.Total;
        return new ThroughputResult(connections, total, Math.Round(seconds, 3), seconds > 0 ? Math.Round(total / seconds, 1) : 0, latency.Summary(), answers.Snapshot());
    }
}

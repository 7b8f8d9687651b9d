using HdrHistogram;

namespace FlashSale.LoadGen.Domain;

/// <summary>Percentiles of one kind of latency, in milliseconds; all zero when nothing was recorded.</summary>
public sealed record LatencySummary(long Count, double P50Ms, double P90Ms, double P99Ms, double MaxMs, double MeanMs)
{
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0, 0);
}

/// <summary>
/// Records latencies from many buyers at once into an HdrHistogram (microsecond resolution, three significant
/// digits, up to an hour; longer values count as an hour).
/// </summary>
public sealed class LatencyRecorder
{
    private static readonly long Longest = (long)TimeSpan.FromHours(1).TotalMicroseconds;

    private readonly LongHistogram _histogram = new(Longest, numberOfSignificantValueDigits: 3);
    private readonly Lock _lock = new();

    public void Record(TimeSpan latency)
    {
        var microseconds = Math.Clamp((long)latency.TotalMicroseconds, 1, Longest);
        lock (_lock)
        {
            _histogram.RecordValue(microseconds);
        }
    }

    public LatencySummary Summary()
    {
        lock (_lock)
        {
            if (_histogram.TotalCount == 0)
            {
                return LatencySummary.Empty;
            }

            return new LatencySummary(
                _histogram.TotalCount,
                Milliseconds(_histogram.GetValueAtPercentile(50)),
                Milliseconds(_histogram.GetValueAtPercentile(90)),
                Milliseconds(_histogram.GetValueAtPercentile(99)),
                Milliseconds(_histogram.GetMaxValue()),
                Math.Round(_histogram.GetMean() / 1000, 3));
        }
    }

    private static double Milliseconds(long microseconds) => Math.Round(microseconds / 1000.0, 3);
}

namespace FlashSale.Bench;

/// <summary>
/// Counts a workload's answers as they come, per second of the run: the progress display reads the live rate, and a
/// long run's first and last windows come from the same counts.
/// </summary>
public sealed class Meter(TimeSpan expected)
{
    private readonly long[] _perSecond = new long[(int)Math.Ceiling(expected.TotalSeconds) + 120];
    private readonly long _start = TimeProvider.System.GetTimestamp();
    private long _total;

    public TimeSpan Expected => expected;

    public TimeSpan Elapsed => TimeProvider.System.GetElapsedTime(_start);

    public long Total => Interlocked.Read(ref _total);

    /// <summary>What the display shows beside the counts (e.g. the flash sale's phase).</summary>
    public string? Status { get; set; }

    public void Count()
    {
        Interlocked.Increment(ref _total);
        var second = (int)Elapsed.TotalSeconds;
        if (second < _perSecond.Length)
        {
            Interlocked.Increment(ref _perSecond[second]);
        }
    }

    /// <summary>Wraps a closed-loop operation so that each answer is counted.</summary>
    public Func<CancellationToken, Task<string>> Counting(Func<CancellationToken, Task<string>> operation) => async cancellationToken =>
    {
        var label = await operation(cancellationToken);
        Count();
        return label;
    };

    /// <summary>Answers per second over the last full second.</summary>
    public double CurrentRate
    {
        get
        {
            var second = (int)Elapsed.TotalSeconds - 1;
            return second >= 0 && second < _perSecond.Length ? Interlocked.Read(ref _perSecond[second]) : 0;
        }
    }

    /// <summary>Answers per second in the window of <paramref name="length"/> that starts <paramref name="from"/> into the run.</summary>
    public double RateBetween(TimeSpan from, TimeSpan length)
    {
        var first = Math.Max(0, (int)from.TotalSeconds);
        var seconds = Math.Max(1, (int)length.TotalSeconds);
        var count = 0L;
        for (var second = first; second < first + seconds && second < _perSecond.Length; second++)
        {
            count += Interlocked.Read(ref _perSecond[second]);
        }

        return Math.Round(count / (double)seconds, 1);
    }
}

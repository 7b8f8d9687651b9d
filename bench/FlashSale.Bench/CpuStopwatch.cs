namespace FlashSale.Bench;

/// <summary>
/// The process's CPU time over a measured run. The system and its load share the process, so this divided by the
/// answers is what one answer cost in all: a figure a shared machine's speed moves far less than it moves the rate.
/// </summary>
internal readonly struct CpuStopwatch
{
    private readonly TimeSpan _started;

    private CpuStopwatch(TimeSpan started) => _started = started;

    public static CpuStopwatch StartNew() => new(Environment.CpuUsage.TotalTime);

    public double MicrosecondsPer(long answers) =>
        answers > 0 ? Math.Round((Environment.CpuUsage.TotalTime - _started).TotalMicroseconds / answers, 1) : 0;
}

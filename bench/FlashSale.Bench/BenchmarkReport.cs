using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlashSale.Bench;

/// <summary>
/// One benchmark run, as docs/benchmarks.json holds it (the shape issue 9 specifies): the machine, the modelled
/// single-actor ceiling and one result per workload and timing. Rates are per second, latencies in milliseconds.
/// </summary>
public sealed record BenchmarkReport
{
    public required MachineInfo Machine { get; init; }

    /// <summary>1 / the modelled actor turn time (<c>PlatformTiming.Dapr117.SingleActorCeilingPerSecond</c>).</summary>
    public required double SingleActorCeilingPerSecond { get; init; }

    public required IReadOnlyList<WorkloadResult> Results { get; init; }

    /// <summary>"full" or "quick" (a few seconds per workload: the figures only show that it runs).</summary>
    public required string Mode { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required double DurationSeconds { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static BenchmarkReport FromJson(string json) => JsonSerializer.Deserialize<BenchmarkReport>(json, Json)!;
}

/// <param name="LoadAverage">The 1-, 5- and 15-minute load averages when the run started and ended (Linux), e.g. "3.1 2.5 1.9".</param>
public sealed record MachineInfo(int Cores, string Memory, string Os, string DotNet, string Cpu, string? LoadAverageAtStart, string? LoadAverageAtEnd);

/// <summary>
/// One workload under one timing. <see cref="OfferedPerSecond"/> is null for the closed-loop (maximum-throughput)
/// workloads, which offer as much as the system takes. <see cref="SettleP99Ms"/> is null where orders are not
/// followed to their end; the invariant counts are null where the workload sells nothing.
/// </summary>
public sealed record WorkloadResult
{
    public required string Workload { get; init; }

    /// <summary>"none" or "modelled" (the platform's timing, <c>PlatformTiming.Dapr117</c>).</summary>
    public required string Timing { get; init; }

    public required double? OfferedPerSecond { get; init; }

    public required double AchievedPerSecond { get; init; }

    public required double P50Ms { get; init; }

    public required double P99Ms { get; init; }

    public required double? SettleP99Ms { get; init; }

    /// <summary>For the flash sale: the settle p99 of the orders placed in its first and its last 10 s (does settling stay flat?).</summary>
    public double? SettleFirstWindowP99Ms { get; init; }

    public double? SettleLastWindowP99Ms { get; init; }

    /// <summary>loadgen's <c>LoadReport.SettleGrowth</c>: the last window's p99 over the first's.</summary>
    public double? SettleGrowth { get; init; }

    public required double RatioToKestrel { get; init; }

    /// <summary>The process's CPU time per answer during the measured run (system and load together; see <c>CpuStopwatch</c>).</summary>
    public double? CpuMicrosecondsPerAnswer { get; init; }

    public required long? Oversold { get; init; }

    public required long? Unsettled { get; init; }

    public required long? DoubleCharged { get; init; }

    /// <summary>Closed-loop connections, or null for the open loop.</summary>
    public int? Connections { get; init; }

    public long Requests { get; init; }

    public double Seconds { get; init; }

    /// <summary>Answers by label ("200", "201", "409 Sold out", "no answer").</summary>
    public IReadOnlyDictionary<string, long> Answers { get; init; } = new Dictionary<string, long>();

    /// <summary>For a long run: answers per second in its first and last 10 s (does throughput hold as the sale grows?).</summary>
    public double? FirstWindowPerSecond { get; init; }

    public double? LastWindowPerSecond { get; init; }

    /// <summary>For <c>sold-out</c>: product reads per second, the mean of runs just before and just after the refusals.</summary>
    public double? ReadsAlongsidePerSecond { get; init; }

    /// <summary>What else the workload measured, in a few words (e.g. the sale's orders and time to sold out).</summary>
    public string? Note { get; init; }
}

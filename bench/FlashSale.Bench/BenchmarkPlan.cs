namespace FlashSale.Bench;

/// <summary>
/// How long and how hard each workload runs. <see cref="Full"/> fits in 10 minutes on a 2-core machine;
/// <see cref="Quick"/> runs a few seconds of each, to show that everything still works.
/// </summary>
public sealed record BenchmarkPlan
{
    public required string Mode { get; init; }

    /// <summary>Closed-loop workers, each sending its next request as soon as the last was answered (wrk's connections).</summary>
    public int Connections { get; init; } = 32;

    /// <summary>
    /// In-flight reservations of <c>hot-sku-reservations-crowd</c>: a flash sale's crowd instead of wrk's connections.
    /// With 32 in flight each reservation waits for the modelled turn before it, so 32 / latency caps the rate whatever
    /// the batches could carry; a crowd shows how far batching takes one SKU's actor.
    /// </summary>
    public int CrowdConnections { get; init; } = 256;

    /// <summary>The maximum-throughput runs: kestrel, browse, hot-sku, hot-sku-reservations(-crowd), sold-out.</summary>
    public required TimeSpan Run { get; init; }

    /// <summary>hot-sku once more for longer (without the timing model): does throughput hold as the sale grows?</summary>
    public required TimeSpan LongRun { get; init; }

    /// <summary>The windows compared at the start and the end of the long run.</summary>
    public required TimeSpan Window { get; init; }

    /// <summary>
    /// Browsing and placements on a SKU of their own before the process's first measured workload. For its first tens
    /// of seconds a fresh process runs at the JIT's first tier and spends about 0.4 of a core compiling the next: without
    /// this, the first workloads (and every <c>--only</c> run) would measure the compiler.
    /// </summary>
    public required TimeSpan ProcessWarmUp { get; init; }

    /// <summary>Requests before each measured run, so that connections, caches and the JIT are warm.</summary>
    public required TimeSpan WarmUp { get; init; }

    public required double FlashSaleBuyersPerSecond { get; init; }

    public required TimeSpan FlashSaleDuration { get; init; }

    public required int FlashSaleUnits { get; init; }

    /// <summary>How long orders get to settle after a run before the stragglers count as unsettled.</summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Units of the hot SKU: more than any run can sell (and the most inventory takes), so that it measures placements, not refusals.</summary>
    public int HotSkuUnits { get; init; } = 1_000_000;

    /// <summary>The workloads to run (<c>--only</c>); empty runs them all. kestrel always runs: it is every ratio's baseline.</summary>
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>();

    /// <summary>The timings to run (<c>--timing</c>): none, modelled or both.</summary>
    public IReadOnlyList<string> Timings { get; init; } = ["none", "modelled"];

    public static IReadOnlyList<string> WorkloadNames { get; } =
        ["browse", "hot-sku", "hot-sku-60s", "hot-sku-reservations", "hot-sku-reservations-crowd", "sold-out", "flash-sale"];

    public bool Runs(string workload) => Only.Count == 0 || Only.Contains(workload);

    public static BenchmarkPlan Full { get; } = new()
    {
        Mode = "full",
        Run = TimeSpan.FromSeconds(10),
        LongRun = TimeSpan.FromSeconds(60),
        Window = TimeSpan.FromSeconds(10),
        ProcessWarmUp = TimeSpan.FromSeconds(30),
        WarmUp = TimeSpan.FromSeconds(2),
        FlashSaleBuyersPerSecond = 200,
        FlashSaleDuration = TimeSpan.FromSeconds(60),
        // One unit per buyer: orders keep coming for the whole minute (issue 10's 200 new orders/s for 60 s), instead
        // of a sale that sells out in 5 s and measures refusals after that.
        FlashSaleUnits = 12_000,
    };

    public static BenchmarkPlan Quick { get; } = new()
    {
        Mode = "quick",
        Run = TimeSpan.FromSeconds(2),
        LongRun = TimeSpan.FromSeconds(4),
        Window = TimeSpan.FromSeconds(1),
        ProcessWarmUp = TimeSpan.FromSeconds(1),
        WarmUp = TimeSpan.FromSeconds(0.5),
        FlashSaleBuyersPerSecond = 40,
        FlashSaleDuration = TimeSpan.FromSeconds(3),
        FlashSaleUnits = 40,
        SettleTimeout = TimeSpan.FromSeconds(45),
    };
}

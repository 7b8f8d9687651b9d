using FlashSale.TestSupport.Sidecar;

namespace FlashSale.Bench;

/// <summary>The whole benchmark in this process: (a) the Kestrel ceiling, then (b)–(d) without and with the timing model.</summary>
public static class BenchmarkRun
{
    public sealed record Outcome(BenchmarkReport Report, string? FlashSaleConsoleReport);

    public static async Task<Outcome> RunAsync(BenchmarkPlan plan, ProgressView view, CancellationToken cancellationToken)
    {
        // The services start as the tests start them (WebApplicationFactory), which finds each one's content root through
        // MvcTestingAppManifest.json in the current directory: the build output's. The output paths are absolute.
        Directory.SetCurrentDirectory(AppContext.BaseDirectory);
        var startedAt = DateTimeOffset.UtcNow;
        var loadAtStart = Machine.LoadAverage();
        var started = TimeProvider.System.GetTimestamp();

        var kestrel = await KestrelCeiling.RunAsync(plan, view, cancellationToken);
        var results = new List<WorkloadResult> { kestrel };
        string? consoleReport = null;
        foreach (var timing in new[] { PlatformTiming.None, PlatformTiming.Dapr117 })
        {
            if (!plan.Timings.Contains(SystemWorkloads.NameOf(timing)))
            {
                continue;
            }

            var workloads = new SystemWorkloads(plan, view, timing, kestrel.AchievedPerSecond);
            results.AddRange(await workloads.RunAsync(warmUpTheProcess: results.Count == 1, cancellationToken));
            // The modelled run's is the one a cluster's resembles.
            consoleReport = workloads.FlashSaleConsoleReport ?? consoleReport;
        }

        var report = new BenchmarkReport
        {
            Machine = Machine.Describe(loadAtStart),
            SingleActorCeilingPerSecond = Math.Round(PlatformTiming.Dapr117.SingleActorCeilingPerSecond, 1),
            Results = results,
            Mode = plan.Mode,
            StartedAt = startedAt,
            DurationSeconds = Math.Round(TimeProvider.System.GetElapsedTime(started).TotalSeconds, 1),
        };
        return new Outcome(report, consoleReport);
    }
}

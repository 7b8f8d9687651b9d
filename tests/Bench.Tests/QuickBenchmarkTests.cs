using System.Text.Json;
using FlashSale.TestSupport.Sidecar;
using Spectre.Console;

namespace FlashSale.Bench.Tests;

/// <summary>
/// The benchmark in its quick mode, so that it cannot rot: it runs every workload against the in-process system and
/// writes a report of the shape issue 9 specifies, with the invariants held. Timings are never asserted: they
/// measure the machine, not the code.
/// </summary>
public sealed class QuickBenchmarkTests
{
    private static readonly string[] RequiredFields =
    [
        "workload", "timing", "offeredPerSecond", "achievedPerSecond", "p50Ms", "p99Ms", "settleP99Ms", "ratioToKestrel",
        "oversold", "unsettled", "doubleCharged",
    ];

    private static readonly string[] SystemWorkloads = ["browse", "hot-sku", "hot-sku-reservations", "hot-sku-reservations-crowd", "sold-out", "flash-sale"];

    [Fact]
    public async Task A_quick_run_reports_every_workload_under_both_timings_with_the_invariants_held()
    {
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No, Ansi = AnsiSupport.No });
        var outcome = await new ProgressView(console).ShowAsync(view => BenchmarkRun.RunAsync(BenchmarkPlan.Quick, view, TestContext.Current.CancellationToken));
        var report = outcome.Report;

        // The JSON is what issue 9 names, field for field, and reads back as it was written.
        using var json = JsonDocument.Parse(report.ToJson());
        var machine = json.RootElement.GetProperty("machine");
        Assert.Equal(Environment.ProcessorCount, machine.GetProperty("cores").GetInt32());
        Assert.All(new[] { "memory", "os", "dotNet" }, field => Assert.False(string.IsNullOrWhiteSpace(machine.GetProperty(field).GetString())));
        Assert.Equal(Math.Round(PlatformTiming.Dapr117.SingleActorCeilingPerSecond, 1), json.RootElement.GetProperty("singleActorCeilingPerSecond").GetDouble());
        Assert.All(json.RootElement.GetProperty("results").EnumerateArray(), result =>
            Assert.All(RequiredFields, field => Assert.True(result.TryGetProperty(field, out _), $"a result lacks {field}")));
        Assert.Equal(report.Results.Count, BenchmarkReport.FromJson(report.ToJson()).Results.Count);

        // (a) once, then (b)–(d) without and with the timing model; the long hot-SKU run without it.
        var kestrel = Assert.Single(report.Results, result => result.Workload.Contains("kestrel", StringComparison.Ordinal));
        Assert.Equal(1, kestrel.RatioToKestrel);
        foreach (var timing in new[] { "none", "modelled" })
        {
            Assert.All(SystemWorkloads, workload => Assert.Contains(report.Results, result => result.Workload == workload && result.Timing == timing));
        }

        var longRun = Assert.Single(report.Results, result => result.Workload == "hot-sku-60s");
        Assert.Equal("none", longRun.Timing);
        Assert.True(longRun.FirstWindowPerSecond > 0 && longRun.LastWindowPerSecond > 0, "the long run counts its first and last windows");

        Assert.All(report.Results, result =>
        {
            Assert.True(result.AchievedPerSecond > 0, $"{result.Workload} ({result.Timing}) achieved nothing");
            Assert.True(result.P99Ms >= result.P50Ms, $"{result.Workload}: p99 below p50");
            Assert.Equal(Math.Round(result.AchievedPerSecond / kestrel.AchievedPerSecond, 4), result.RatioToKestrel);
            // Nothing oversold, left unsettled or charged twice, wherever it was counted.
            Assert.True(result.Oversold is null or 0 && result.Unsettled is null or 0 && result.DoubleCharged is null or 0,
                $"{result.Workload} ({result.Timing}): oversold {result.Oversold}, unsettled {result.Unsettled}, double-charged {result.DoubleCharged}");
        });

        // Every placement on a sold-out SKU is refused; every flash sale sells out its units and settles its orders.
        // Each is compared with product reads measured just before and after it, on the same sold-out SKU's page.
        Assert.All(report.Results.Where(result => result.Workload == "sold-out"), result =>
        {
            Assert.Equal(["409 Sold out"], result.Answers.Keys);
            Assert.True(result.ReadsAlongsidePerSecond > 0, $"sold-out ({result.Timing}) has no reads to compare with");
        });
        // What each answer cost the process's CPU (system and load), for every closed loop.
        Assert.All(report.Results.Where(result => result.Connections is not null), result =>
            Assert.True(result.CpuMicrosecondsPerAnswer > 0, $"{result.Workload} ({result.Timing}): no CPU per answer"));
        Assert.All(report.Results.Where(result => result.Workload == "flash-sale"), result =>
        {
            Assert.Equal(BenchmarkPlan.Quick.FlashSaleBuyersPerSecond, result.OfferedPerSecond);
            Assert.NotNull(result.SettleP99Ms);
            // Does settling stay flat? Both windows are measured (in a quick run of a few seconds they overlap).
            Assert.True(result.SettleFirstWindowP99Ms > 0 && result.SettleLastWindowP99Ms > 0, $"settle windows {result.SettleFirstWindowP99Ms} / {result.SettleLastWindowP99Ms}");
            Assert.Equal(Math.Round(result.SettleLastWindowP99Ms!.Value / result.SettleFirstWindowP99Ms!.Value, 2), result.SettleGrowth);
            Assert.Equal(BenchmarkPlan.Quick.FlashSaleUnits, result.Answers["201"]);
            Assert.Equal((0, 0, 0), (result.Oversold, result.Unsettled, result.DoubleCharged));
        });
        // The crowd keeps more reservations in flight than wrk's connections, and is audited like the rest.
        Assert.All(report.Results.Where(result => result.Workload == "hot-sku-reservations-crowd"), result =>
            Assert.Equal((BenchmarkPlan.Quick.CrowdConnections, 0), (result.Connections, result.Oversold)));
        Assert.All(report.Results.Where(result => result.Workload is "hot-sku" or "hot-sku-60s"), result =>
            Assert.Equal((0, 0, 0), (result.Oversold, result.Unsettled, result.DoubleCharged)));

        // docs/benchmarks.md from the same report: the table, the analysis naming a workload it ran, the before/after.
        var markdown = MarkdownReport.Render(report, outcome.FlashSaleConsoleReport);
        Assert.Contains("| workload | timing | offered/s | achieved/s | p50 ms | p99 ms | settle p99 ms | × kestrel | CPU µs/answer | oversold | unsettled | double-charged |", markdown, StringComparison.Ordinal);
        Assert.All(report.Results, result => Assert.Contains($"| {result.Workload} | {result.Timing} |", markdown, StringComparison.Ordinal));
        Assert.Contains(MarkdownReport.Analysis(report), line => report.Results.Any(result => line.Contains($"**{result.Workload}**", StringComparison.Ordinal)));
        Assert.Contains("## Before and after (issue 10)", markdown, StringComparison.Ordinal);
        Assert.Contains("orders placed in the first 10 s:", markdown, StringComparison.Ordinal);
        Assert.Contains("product reads just before and after:", markdown, StringComparison.Ordinal);
        Assert.Contains($"with {BenchmarkPlan.Quick.CrowdConnections} in flight", markdown, StringComparison.Ordinal);
        Assert.Contains(machine.GetProperty("os").GetString()!, markdown, StringComparison.Ordinal);
        Assert.Contains(outcome.Report.Results.Single(result => result.Workload == "flash-sale" && result.Timing == "modelled").Answers["201"].ToString(System.Globalization.CultureInfo.InvariantCulture), outcome.FlashSaleConsoleReport!, StringComparison.Ordinal);

        // It showed its progress while it ran.
        var shown = output.ToString();
        Assert.All(SystemWorkloads, workload => Assert.Matches($@"(?m)^{workload} \(modelled\)[^\n]*: running", shown));
        // Once, before the process's first measured workload (the none system's): the modelled system runs warm code.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(shown, @"(?m)^warm up the process \(none\)[^\n]*: running"));
        Assert.DoesNotContain("warm up the process (modelled)", shown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--fast")]
    [InlineData("--report")]
    [InlineData("--report", "--quick")]
    [InlineData("--only", "checkout")]
    [InlineData("--only")]
    [InlineData("--timing", "fast")]
    public void Bad_arguments_are_named(params string[] args)
    {
        var parsed = BenchArguments.Parse(args);
        Assert.NotNull(parsed.Problem);
        Assert.Contains(args[0], parsed.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_run_writes_the_docs_and_a_quick_run_only_what_it_is_asked_to()
    {
        var full = BenchArguments.Parse([]);
        Assert.Equal("full", full.Plan.Mode);
        Assert.EndsWith(Path.Combine("docs", "benchmarks.json"), full.ReportPath, StringComparison.Ordinal);
        Assert.EndsWith(Path.Combine("docs", "benchmarks.md"), full.MarkdownPath, StringComparison.Ordinal);

        var quick = BenchArguments.Parse(["--quick", "--report", "quick.json"]);
        Assert.Equal(("quick", Path.GetFullPath("quick.json"), (string?)null), (quick.Plan.Mode, quick.ReportPath, quick.MarkdownPath));
    }

    [Fact]
    public void A_partial_run_names_its_workloads_and_timing_and_writes_only_the_files_it_is_given()
    {
        var arguments = BenchArguments.Parse(["--only", "flash-sale,sold-out", "--timing", "modelled"]);

        Assert.Null(arguments.Problem);
        Assert.Equal(["flash-sale", "sold-out"], arguments.Plan.Only.Order(StringComparer.Ordinal));
        Assert.Equal(["modelled"], arguments.Plan.Timings);
        Assert.True(arguments.Plan.Runs("sold-out") && !arguments.Plan.Runs("browse"));
        Assert.Equal((null, null), (arguments.ReportPath, arguments.MarkdownPath));
    }
}

using System.Text.Json;
using FlashSale.LoadGen.Domain;
using FlashSale.LoadGen.Infrastructure;

namespace FlashSale.LoadGen.Tests;

public sealed class ReportTests
{
    private static readonly LoadReport Report = new()
    {
        Gateway = "http://localhost:8080/",
        Sku = "LOADGEN-1A2B3C4D",
        StartedAt = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero),
        Interrupted = false,
        Setup = new SetupFigures(0.4, 12.5, 0, 100),
        Throughput = new ThroughputFigures(12_000, 60, 200, 11_950, 60.4, 197.8, 1_000, 16.6),
        Browse = LatencySummary.Empty,
        Placement = new LatencySummary(11_950, 120, 300, 900, 2_400, 150),
        Settle = new LatencySummary(1_000, 1_500, 2_500, 4_000, 6_000, 1_700),
        AnswersByStatus = new Dictionary<string, long> { ["201"] = 1_000, ["409"] = 10_950, ["429"] = 40 },
        AnswersByProblem = new Dictionary<string, long> { ["409 Sold out"] = 10_950, ["429 Too many requests"] = 40 },
        TimeToSoldOutSeconds = 7.25,
        Orders = new OrderFigures(1_000, 999, 1, 0, 999, 0, 10_950),
        Stock = new StockFigures(1_000, new StockLevels(1_000, 0, 0), new StockLevels(1, 0, 999), 999),
        Invariants =
        [
            new(InvariantRules.NotOversold, InvariantStatus.Held, 0, "999 units sold of 1000 on sale"),
            new(InvariantRules.AllSettled, InvariantStatus.Broken, 3, "3 of 1000 orders neither Confirmed nor Cancelled within 120 s"),
            new(InvariantRules.ChargedOnce, InvariantStatus.Unverified, 0, "not routed"),
        ],
    };

    [Fact]
    public void The_json_report_has_the_figures_a_benchmark_reads_in_camel_case_with_verdicts_as_words()
    {
        using var json = JsonDocument.Parse(ReportFile.ToJson(Report));
        var root = json.RootElement;

        Assert.Equal(200, root.GetProperty("throughput").GetProperty("offeredPerSecond").GetDouble());
        Assert.Equal(197.8, root.GetProperty("throughput").GetProperty("achievedPerSecond").GetDouble());
        Assert.Equal(900, root.GetProperty("placement").GetProperty("p99Ms").GetDouble());
        Assert.Equal(4_000, root.GetProperty("settle").GetProperty("p99Ms").GetDouble());
        Assert.Equal(10_950, root.GetProperty("answersByProblem").GetProperty("409 Sold out").GetInt64());
        Assert.Equal(7.25, root.GetProperty("timeToSoldOutSeconds").GetDouble());
        Assert.Equal(12.5, root.GetProperty("setup").GetProperty("customersSeconds").GetDouble());
        Assert.Equal("Broken", root.GetProperty("invariants")[1].GetProperty("status").GetString());
        Assert.Equal((0, 3, 0), (root.GetProperty("oversold").GetInt64(), root.GetProperty("unsettled").GetInt64(), root.GetProperty("doubleCharged").GetInt64()));
        Assert.True(root.GetProperty("anyInvariantBroken").GetBoolean());
    }

    [Fact]
    public void Settle_growth_is_the_last_windows_p99_over_the_firsts_and_absent_without_both_windows()
    {
        var flat = Report with { SettleOfFirstWindow = Report.Settle, SettleOfLastWindow = Report.Settle with { P99Ms = 9_000 } };

        using var json = JsonDocument.Parse(ReportFile.ToJson(flat));

        Assert.Equal(2.25, json.RootElement.GetProperty("settleGrowth").GetDouble());
        Assert.Equal(9_000, json.RootElement.GetProperty("settleOfLastWindow").GetProperty("p99Ms").GetDouble());
        Assert.Null(Report.SettleGrowth);
    }

    [Fact]
    public void An_unverified_invariant_does_not_fail_the_run_and_a_broken_one_does()
    {
        var unverifiedOnly = Report with { Invariants = [Report.Invariants[0], Report.Invariants[2]] };

        Assert.False(unverifiedOnly.AnyInvariantBroken);
        Assert.True(Report.AnyInvariantBroken);
    }
}

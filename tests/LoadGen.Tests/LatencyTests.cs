using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Tests;

public sealed class LatencyTests
{
    [Fact]
    public void Percentiles_come_from_every_recorded_latency()
    {
        var recorder = new LatencyRecorder();
        foreach (var milliseconds in Enumerable.Range(1, 1_000))
        {
            recorder.Record(TimeSpan.FromMilliseconds(milliseconds));
        }

        var summary = recorder.Summary();

        // HdrHistogram keeps three significant digits: each figure is within 0.1 % of the exact one.
        Assert.Equal(1_000, summary.Count);
        Assert.Equal(500, summary.P50Ms, tolerance: 0.5);
        Assert.Equal(900, summary.P90Ms, tolerance: 0.9);
        Assert.Equal(990, summary.P99Ms, tolerance: 1);
        Assert.Equal(1_000, summary.MaxMs, tolerance: 1);
        Assert.Equal(500.5, summary.MeanMs, tolerance: 0.5);
    }

    [Fact]
    public void A_few_slow_answers_show_in_p99_and_max_not_in_p50()
    {
        var recorder = new LatencyRecorder();
        for (var i = 0; i < 98; i++)
        {
            recorder.Record(TimeSpan.FromMilliseconds(10));
        }

        recorder.Record(TimeSpan.FromSeconds(2));
        recorder.Record(TimeSpan.FromSeconds(3));

        var summary = recorder.Summary();

        Assert.Equal(10, summary.P50Ms, tolerance: 0.01);
        Assert.Equal(2_000, summary.P99Ms, tolerance: 2);
        Assert.Equal(3_000, summary.MaxMs, tolerance: 3);
    }

    [Fact]
    public void Nothing_recorded_is_all_zero_and_recording_from_many_threads_loses_nothing()
    {
        Assert.Equal(LatencySummary.Empty, new LatencyRecorder().Summary());

        var recorder = new LatencyRecorder();
        Parallel.For(0, 10_000, i => recorder.Record(TimeSpan.FromMicroseconds(100 + i % 50)));

        Assert.Equal(10_000, recorder.Summary().Count);
    }
}

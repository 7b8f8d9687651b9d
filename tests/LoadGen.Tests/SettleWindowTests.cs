using FlashSale.LoadGen.Application;
using FlashSale.LoadGen.Domain;
using Microsoft.Extensions.Time.Testing;

namespace FlashSale.LoadGen.Tests;

/// <summary>Does settling stay flat? The settle latencies of the orders placed in a run's first and last 10 s.</summary>
public sealed class SettleWindowTests
{
    [Fact]
    public void Orders_placed_early_and_late_are_summarised_apart_so_a_growing_backlog_shows()
    {
        var clock = new FakeTimeProvider();
        var statistics = new RunStatistics(clock);
        statistics.Start();
        // One order a second for 60 s; the one placed at i s settles (i + 1) × 100 ms later: a backlog that grows.
        var timeline = Enumerable.Range(0, 60)
            .SelectMany(second => new[] { (At: second * 1_000, Order: second, Placing: true), (At: second * 1_000 + (second + 1) * 100, Order: second, Placing: false) })
            .OrderBy(step => step.At)
            .ThenBy(step => step.Placing);
        var start = clock.GetUtcNow();
        var placedAt = new Dictionary<int, long>();
        foreach (var step in timeline)
        {
            clock.SetUtcNow(start.AddMilliseconds(step.At));
            if (step.Placing)
            {
                placedAt[step.Order] = clock.GetTimestamp();
            }
            else
            {
                statistics.OrderSettled(new TrackedOrder($"o-{step.Order}", 1), "Confirmed", placedAt[step.Order]);
            }
        }

        var (first, last) = statistics.SettleWindows(LoadReport.SettleWindow);

        // The first window holds the orders placed at 0..9 s (100..1,000 ms); the last ends at the last one: 50..59 s.
        // Latencies are recorded to 3 significant digits (HdrHistogram), so compare within 0.5 %.
        Assert.Equal((10L, 10L), (first.Count, last.Count));
        Assert.Equal(500, first.P50Ms, tolerance: 2.5);
        Assert.Equal(1_000, first.MaxMs, tolerance: 5);
        Assert.Equal(5_500, last.P50Ms, tolerance: 27.5); // 5,100..6,000 ms
        Assert.Equal(6_000, last.MaxMs, tolerance: 30);
        Assert.Equal(60L, statistics.Settle.Summary().Count);
    }

    [Fact]
    public void Without_settled_orders_both_windows_are_empty()
    {
        var statistics = new RunStatistics(new FakeTimeProvider());
        statistics.Start();

        var (first, last) = statistics.SettleWindows(LoadReport.SettleWindow);

        Assert.Equal((0L, 0L), (first.Count, last.Count));
    }
}

using FlashSale.Storefront.Domain;

namespace FlashSale.Storefront.Tests.Components;

/// <summary>The countdown and the dashboard's orders-per-second series.</summary>
public sealed class DomainTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_countdown_runs_to_the_start_then_to_the_end_and_never_shows_zero_early()
    {
        Assert.Equal("Starts in 2d 01:00:00", SaleCountdown.At(Start, Start.AddDays(2).AddHours(1), Start.AddDays(3)).Sentence);
        Assert.Equal("Ends in 00:00:01", SaleCountdown.At(Start.AddMilliseconds(100), Start, Start.AddSeconds(1)).Sentence);
        Assert.Equal("Sale ended", SaleCountdown.At(Start.AddSeconds(1), Start, Start.AddSeconds(1)).Sentence);
    }

    [Fact]
    public void Orders_per_second_come_from_the_growth_of_the_total_in_each_bucket_and_old_buckets_fall_out()
    {
        var series = new OrderRateSeries(TimeSpan.FromSeconds(5), buckets: 3);
        series.Record(Start, 100);
        series.Record(Start.AddSeconds(1), 110);
        series.Record(Start.AddSeconds(6), 125);

        Assert.Equal([0, 2, 3], series.RatesAt(Start.AddSeconds(6)));
        Assert.Equal([3, 0, 0], series.RatesAt(Start.AddSeconds(16)));
    }

    [Fact]
    public void A_total_that_went_down_restarts_the_series_instead_of_counting_negative_orders()
    {
        var series = new OrderRateSeries(TimeSpan.FromSeconds(5), buckets: 2);
        series.Record(Start, 50);
        series.Record(Start.AddSeconds(1), 60);
        series.Record(Start.AddSeconds(2), 3);

        Assert.All(series.RatesAt(Start.AddSeconds(2)), rate => Assert.Equal(0, rate));
    }
}

using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Tests;

public sealed class ArrivalScheduleTests
{
    [Fact]
    public void A_constant_rate_spaces_arrivals_evenly_from_the_start()
    {
        var schedule = new ArrivalSchedule(RateProfile.Constant(10, TimeSpan.FromSeconds(1)));

        Assert.Equal(10, schedule.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * 100.0), Enumerable.Range(0, 10).Select(i => Math.Round(schedule.DueAt(i).TotalMilliseconds, 6)));
        Assert.Equal(10, schedule.RateAt(TimeSpan.FromSeconds(0.5)));
    }

    [Fact]
    public void A_flash_sale_of_200_buyers_a_second_for_60_seconds_offers_12000_buyers()
    {
        var schedule = new ArrivalSchedule(RateProfile.Constant(200, TimeSpan.FromSeconds(60)));

        Assert.Equal(12_000, schedule.Count);
        Assert.True(schedule.DueAt(schedule.Count - 1) < TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void A_ramp_offers_the_area_under_the_rate_and_then_holds_the_peak()
    {
        // 0 -> 100/s over 10 s (500 buyers), then 100/s for 10 s more (1,000).
        var schedule = new ArrivalSchedule(new RateProfile(0, 100, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20)));

        Assert.Equal(1_500, schedule.Count);
        Assert.Equal(50, schedule.RateAt(TimeSpan.FromSeconds(5)), 6);
        Assert.Equal(100, schedule.RateAt(TimeSpan.FromSeconds(15)));
        // Half-way up the ramp a quarter of its buyers have arrived (N(t) = 5 t²), so arrival 125 is due at 5 s.
        Assert.Equal(5, schedule.DueAt(125).TotalSeconds, 6);
        Assert.Equal(10, schedule.DueAt(500).TotalSeconds, 6);
        Assert.Equal(15, schedule.DueAt(1_000).TotalSeconds, 6);
    }

    [Fact]
    public void Arrivals_come_in_order_and_their_count_by_any_time_matches_the_profile()
    {
        var schedule = new ArrivalSchedule(new RateProfile(20, 180, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(9)));
        var due = Enumerable.Range(0, (int)schedule.Count).Select(i => schedule.DueAt(i)).ToList();

        Assert.Equal(due.Order(), due);
        foreach (var seconds in new[] { 1.0, 2.5, 4.0, 7.3 })
        {
            var arrived = due.Count(at => at < TimeSpan.FromSeconds(seconds));
            Assert.InRange(arrived, schedule.ExpectedBy(TimeSpan.FromSeconds(seconds)) - 1, schedule.ExpectedBy(TimeSpan.FromSeconds(seconds)) + 1);
        }
    }

    [Theory]
    [InlineData(0, 0, 0, 10, "the rate must be a positive number of buyers per second")]
    [InlineData(-1, 5, 0, 10, "the ramp's start rate must be zero or more buyers per second")]
    [InlineData(0, 5, 0, 0, "the duration must be positive")]
    [InlineData(0, 5, 20, 10, "the ramp must be between zero and the duration")]
    public void A_profile_that_cannot_be_scheduled_says_why(double start, double peak, double rampSeconds, double durationSeconds, string problem)
    {
        var profile = new RateProfile(start, peak, TimeSpan.FromSeconds(rampSeconds), TimeSpan.FromSeconds(durationSeconds));

        Assert.Equal(problem, profile.Problem());
        Assert.Throws<ArgumentException>(() => new ArrivalSchedule(profile));
    }
}

using FlashSale.Catalog.Domain;

namespace FlashSale.Catalog.Tests.Domain;

public sealed class EffectivePriceTests
{
    private static readonly DateTimeOffset StartsAt = new(2030, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset EndsAt = StartsAt.AddHours(1);
    private static readonly Product OnSale = new("TEE-1", "Tee", "", 20.00m, "EUR", new Sale(15.00m, StartsAt, EndsAt));

    [Theory]
    [InlineData(-3600, 20.00, SaleState.Upcoming)]
    [InlineData(-1, 20.00, SaleState.Upcoming)]
    [InlineData(0, 15.00, SaleState.Active)] // exactly at the start: the sale has begun
    [InlineData(1800, 15.00, SaleState.Active)]
    [InlineData(3599, 15.00, SaleState.Active)]
    [InlineData(3600, 20.00, SaleState.Ended)] // exactly at the end: the sale is over
    [InlineData(86400, 20.00, SaleState.Ended)]
    public void The_sale_price_applies_from_the_start_until_just_before_the_end(int secondsAfterStart, decimal expectedPrice, SaleState expectedState)
    {
        var instant = StartsAt.AddSeconds(secondsAfterStart);

        Assert.Equal(expectedPrice, OnSale.EffectivePriceAt(instant));
        Assert.Equal(expectedState, OnSale.Sale!.StateAt(instant));
        Assert.Equal(expectedState == SaleState.Active, OnSale.IsOnSaleAt(instant));
    }

    [Fact]
    public void Without_a_sale_the_regular_price_always_applies()
    {
        var product = OnSale with { Sale = null };

        Assert.Equal(20.00m, product.EffectivePriceAt(StartsAt.AddMinutes(30)));
        Assert.False(product.IsOnSaleAt(StartsAt.AddMinutes(30)));
    }

    [Fact]
    public void The_window_is_compared_as_instants_whatever_the_offset()
    {
        var startInParis = StartsAt.ToOffset(TimeSpan.FromHours(1));

        Assert.Equal(15.00m, OnSale.EffectivePriceAt(startInParis));
        Assert.Equal(20.00m, OnSale.EffectivePriceAt(startInParis.AddTicks(-1)));
    }
}

using System.Globalization;
using FlashSale.Catalog.Api.Pricing;

namespace FlashSale.Catalog.Tests.Pricing;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("0.01")]
    [InlineData("19.99")]
    [InlineData("-1.5")]
    [InlineData("-0.000000001")]
    [InlineData("123456789.123456789")]
    [InlineData("9223372036854775807.999999999")]
    [InlineData("-9223372036854775808.999999999")]
    public void Decimals_round_trip_exactly(string amount)
    {
        var value = decimal.Parse(amount, CultureInfo.InvariantCulture);

        var money = Money.FromDecimal(value, "EUR");

        Assert.Equal(value, money.ToDecimal());
        Assert.Equal("EUR", money.Currency);
    }

    [Theory]
    [InlineData("19.99", 19, 990_000_000)]
    [InlineData("0.5", 0, 500_000_000)]
    [InlineData("-1.25", -1, -250_000_000)]
    [InlineData("-0.75", 0, -750_000_000)]
    [InlineData("42", 42, 0)]
    public void Units_and_nanos_carry_the_same_sign(string amount, long units, int nanos)
    {
        var money = Money.FromDecimal(decimal.Parse(amount, CultureInfo.InvariantCulture), "EUR");

        Assert.Equal(units, money.Units);
        Assert.Equal(nanos, money.Nanos);
    }

    [Fact]
    public void A_fraction_finer_than_a_nano_is_refused_rather_than_rounded() =>
        Assert.Throws<ArgumentException>(() => Money.FromDecimal(0.0000000001m, "EUR"));

    [Fact]
    public void An_amount_beyond_int64_units_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Money.FromDecimal(10_000_000_000_000_000_000m, "EUR"));

    [Theory]
    [InlineData(1, -1)]
    [InlineData(-1, 1)]
    [InlineData(0, 1_000_000_000)]
    [InlineData(0, -1_000_000_000)]
    public void A_money_breaking_the_proto_contract_cannot_be_read(long units, int nanos) =>
        Assert.Throws<InvalidOperationException>(() => new Money { Currency = "EUR", Units = units, Nanos = nanos }.ToDecimal());
}

using FlashSale.Catalog.Pricing;
using FlashSale.Ordering.Pricing;

namespace FlashSale.Ordering.Tests.Domain;

public sealed class MoneyTests
{
    [Theory]
    [InlineData(12, 500_000_000, "12.5")]
    [InlineData(0, 990_000_000, "0.99")]
    [InlineData(3, 0, "3")]
    [InlineData(-1, -250_000_000, "-1.25")]
    [InlineData(0, 1, "0.000000001")]
    public void Catalog_money_is_units_plus_nanos(long units, int nanos, string expected)
    {
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            GrpcPriceCatalog.ToDecimal(new Money { Currency = "EUR", Units = units, Nanos = nanos }));
    }
}

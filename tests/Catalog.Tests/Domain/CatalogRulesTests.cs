using FlashSale.Catalog.Domain;

namespace FlashSale.Catalog.Tests.Domain;

public sealed class CatalogRulesTests
{
    private static readonly DateTimeOffset Now = new(2030, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly ProductDraft ValidProduct = new("TEE-BLACK-M", "  T-shirt  ", null, 19.99m, "EUR");
    private static readonly SaleDraft ValidSale = new(14.99m, Now.AddHours(1), Now.AddHours(2));

    [Fact]
    public void A_valid_draft_becomes_a_product_with_trimmed_text()
    {
        var validated = CatalogRules.ValidateProduct(ValidProduct, scheduledSale: null);

        Assert.True(validated.IsValid);
        Assert.Equal(new Product("TEE-BLACK-M", "T-shirt", "", 19.99m, "EUR"), validated.Value);
    }

    [Theory]
    [InlineData("ABC")]
    [InlineData("0-9")]
    [InlineData("TEE-BLACK-M")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345")] // 32 characters
    public void Skus_of_upper_case_letters_digits_and_dashes_are_accepted(string sku) =>
        Assert.True(CatalogRules.ValidateProduct(ValidProduct with { Sku = sku }, null).IsValid);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("AB")]
    [InlineData("tee-black")]
    [InlineData("-TEE")]
    [InlineData("TEE BLACK")]
    [InlineData("TEE||X")]
    [InlineData("TEE\n")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456")] // 33 characters
    public void Other_skus_are_rejected(string? sku) =>
        AssertInvalid(CatalogRules.ValidateProduct(ValidProduct with { Sku = sku }, null), "sku");

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public void A_name_is_required(string? name) =>
        AssertInvalid(CatalogRules.ValidateProduct(ValidProduct with { Name = name }, null), "name");

    [Fact]
    public void A_name_has_at_most_200_characters()
    {
        Assert.True(CatalogRules.ValidateProduct(ValidProduct with { Name = new string('n', 200) }, null).IsValid);
        AssertInvalid(CatalogRules.ValidateProduct(ValidProduct with { Name = new string('n', 201) }, null), "name");
    }

    [Theory]
    [InlineData("0.01")]
    [InlineData("10.1")]
    [InlineData("1000000")]
    public void Prices_are_positive_with_at_most_two_decimals(string price) =>
        Assert.True(CatalogRules.ValidateProduct(ValidProduct with { Price = decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture) }, null).IsValid);

    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("10.001")]
    [InlineData("1000000.01")]
    public void Other_prices_are_rejected(string? price) =>
        AssertInvalid(CatalogRules.ValidateProduct(
            ValidProduct with { Price = price is null ? null : decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture) }, null), "price");

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("eur")]
    [InlineData("EURO")]
    [InlineData("E1R")]
    public void The_currency_is_three_upper_case_letters(string? currency) =>
        AssertInvalid(CatalogRules.ValidateProduct(ValidProduct with { Currency = currency }, null), "currency");

    [Fact]
    public void Every_invalid_field_is_reported_at_once()
    {
        var validated = CatalogRules.ValidateProduct(new ProductDraft("x", "", new string('d', 2001), 0m, "eur"), null);

        Assert.Equal(["currency", "description", "name", "price", "sku"], validated.Errors.Keys.Order());
    }

    [Fact]
    public void The_price_must_stay_above_a_scheduled_sale_price()
    {
        var sale = new Sale(15.00m, Now, Now.AddHours(1));

        AssertInvalid(CatalogRules.ValidateProduct(ValidProduct with { Price = 15.00m }, sale), "price");
        var validated = CatalogRules.ValidateProduct(ValidProduct with { Price = 15.01m }, sale);
        Assert.True(validated.IsValid);
        Assert.Equal(sale, validated.Value.Sale);
    }

    [Fact]
    public void A_valid_sale_draft_becomes_a_sale()
    {
        var validated = CatalogRules.ValidateSale(ValidSale, regularPrice: 19.99m, Now);

        Assert.True(validated.IsValid);
        Assert.Equal(new Sale(14.99m, Now.AddHours(1), Now.AddHours(2)), validated.Value);
    }

    [Fact]
    public void A_sale_may_have_started_already_if_it_has_not_ended() =>
        Assert.True(CatalogRules.ValidateSale(ValidSale with { StartsAt = Now.AddDays(-1) }, 19.99m, Now).IsValid);

    [Theory]
    [InlineData("19.99")]
    [InlineData("25")]
    [InlineData("0")]
    [InlineData("9.999")]
    public void The_sale_price_is_positive_and_below_the_regular_price(string salePrice) =>
        AssertInvalid(CatalogRules.ValidateSale(
            ValidSale with { SalePrice = decimal.Parse(salePrice, System.Globalization.CultureInfo.InvariantCulture) }, 19.99m, Now), "salePrice");

    [Theory]
    [InlineData(0)] // ends as it starts
    [InlineData(-60)] // ends before it starts
    public void The_sale_ends_after_it_starts(int endMinutesAfterStart) =>
        AssertInvalid(CatalogRules.ValidateSale(ValidSale with { EndsAt = ValidSale.StartsAt!.Value.AddMinutes(endMinutesAfterStart) }, 19.99m, Now), "endsAt");

    [Fact]
    public void A_sale_that_has_already_ended_is_rejected() =>
        AssertInvalid(CatalogRules.ValidateSale(ValidSale with { StartsAt = Now.AddHours(-2), EndsAt = Now }, 19.99m, Now), "endsAt");

    [Fact]
    public void Every_missing_sale_field_is_reported()
    {
        var validated = CatalogRules.ValidateSale(new SaleDraft(null, null, null), 19.99m, Now);

        Assert.Equal(["endsAt", "salePrice", "startsAt"], validated.Errors.Keys.Order());
    }

    private static void AssertInvalid<T>(Validated<T> validated, string field) where T : class
    {
        Assert.False(validated.IsValid);
        Assert.Equal([field], validated.Errors.Keys);
        Assert.All(validated.Errors[field], message => Assert.False(string.IsNullOrWhiteSpace(message)));
    }
}

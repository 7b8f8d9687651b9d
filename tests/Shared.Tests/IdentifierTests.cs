using FlashSale.Contracts;

namespace FlashSale.Shared.Tests;

/// <summary>The shared identifiers, one rule each (catalog, inventory and ordering all apply these).</summary>
public sealed class IdentifierTests
{
    [Theory]
    [InlineData("TEE-BLACK-M", true)]
    [InlineData("A1B", true)]
    [InlineData("9-LIVES", true)]
    [InlineData("AB", false)]
    [InlineData("-ABC", false)]
    [InlineData("tee-black", false)]
    [InlineData("TEE BLACK", false)]
    [InlineData("TEE/1", false)]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", true)]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", false)]
    [InlineData("TEE-1\n", false)]
    [InlineData(null, false)]
    public void A_sku_is_3_to_32_capitals_digits_or_dashes(string? sku, bool valid) => Assert.Equal(valid, Identifiers.IsSku(sku));

    [Theory]
    [InlineData("0195f0c2a3b44c5d8e9f0a1b2c3d4e5f", true)]
    [InlineData("order_1.a~b-c", true)]
    [InlineData("", false)]
    [InlineData("a/b", false)]
    [InlineData("a b", false)]
    public void An_order_id_is_url_safe(string orderId, bool valid) => Assert.Equal(valid, Identifiers.IsOrderId(orderId));

    [Fact]
    public void An_order_id_has_at_most_100_characters()
    {
        Assert.True(Identifiers.IsOrderId(new string('a', Identifiers.MaxOrderIdLength)));
        Assert.False(Identifiers.IsOrderId(new string('a', Identifiers.MaxOrderIdLength + 1)));
    }
}

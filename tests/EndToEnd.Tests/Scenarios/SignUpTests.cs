using System.Net;
using FlashSale.EndToEnd.Tests.Fixture;

namespace FlashSale.EndToEnd.Tests.Scenarios;

/// <summary>A visitor becomes a customer through the gateway and can buy at once; a name cannot be taken twice.</summary>
public sealed class SignUpTests(SystemFixture system)
{
    [Fact]
    public async Task A_visitor_signs_up_through_the_gateway_buys_and_the_order_is_confirmed()
    {
        var sku = Sku.New("SIGNUP");
        await (await system.Client.SignInAsAdminAsync()).CreateSaleAsync(sku, price: 30m, salePrice: 15m, stock: 2);
        var name = $"new-{Guid.NewGuid():N}"[..16];
        const string password = "a long and private passphrase";

        using var signedUp = await system.Client.SignUpAsync(name, password);
        var customer = await system.Client.SignInAsync(name, password);
        var order = await customer.PlaceOrderAsync(sku, quantity: 1);
        using var again = await system.Client.SignUpAsync(name.ToUpperInvariant(), "another long passphrase");

        Assert.Equal(HttpStatusCode.Created, signedUp.StatusCode);
        Assert.Equal("Confirmed", (await customer.OrderOnceAsync(order.Id, "Confirmed"))!.Status);
        Assert.Equal("User name taken", (await again.ReadProblemAsync(HttpStatusCode.Conflict)).Title);
        Assert.Single(system.StoredOrdersOf(name));
    }
}

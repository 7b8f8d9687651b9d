using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlashSale.EndToEnd.Tests.Fixture;
using Microsoft.IdentityModel.JsonWebTokens;

namespace FlashSale.EndToEnd.Tests.Scenarios;

/// <summary>Links the services hand out (Location, the discovery document) work for a client that knows only the gateway.</summary>
public sealed class PublicLinksTests(SystemFixture system)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_location_of_a_placed_order_leads_through_the_gateway_to_the_order()
    {
        var sku = Sku.New("LOCATION");
        await (await system.Client.SignInAsAdminAsync()).CreateSaleAsync(sku, price: 20m, salePrice: 10m, stock: 3);
        var customer = await system.Client.SignInAsync(system.Customers.Next());

        using var placed = await customer.PlaceOrderAsync(sku, 1, Guid.NewGuid().ToString());
        var order = await placed.ReadAsync<PlacedOrder>(HttpStatusCode.Created);
        var location = placed.Headers.Location!;

        // The read side shows the order a moment after it was placed; until then the same address answers 404.
        var found = await Eventually.MatchesAsync(async () =>
        {
            using var response = await customer.SendAsync(new HttpRequestMessage(HttpMethod.Get, location));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(Cancellation));
        }, answer => answer.StatusCode == HttpStatusCode.OK, $"{location} to show order {order.Id}", cancellationToken: Cancellation);

        Assert.Equal($"/api/orders/{order.Id}", location.OriginalString);
        Assert.Equal(order.Id, JsonDocument.Parse(found.Body).RootElement.GetProperty("orderId").GetString());
    }

    [Fact]
    public async Task The_location_of_a_created_product_leads_through_the_gateway_to_the_product()
    {
        var sku = Sku.New("PRODUCT-LOCATION");
        var admin = await system.Client.SignInAsAdminAsync();

        using var created = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/catalog/products")
        {
            Content = JsonContent.Create(new { sku, name = "Located", description = "", price = 5m, currency = "EUR" }),
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var followed = await system.Client.SendAnonymousAsync(new HttpRequestMessage(HttpMethod.Get, created.Headers.Location));

        Assert.Equal($"/api/catalog/products/{sku}", created.Headers.Location?.OriginalString);
        Assert.Equal(sku, (await followed.ReadAsync<ProductView>(HttpStatusCode.OK)).Sku);
    }

    [Fact]
    public async Task The_discovery_document_read_through_the_gateway_points_at_its_public_key_set_and_token_endpoint()
    {
        var gateway = system.Client.Http.BaseAddress!;

        using var discovery = await system.Client.SendAnonymousAsync(
            new HttpRequestMessage(HttpMethod.Get, "/api/auth/.well-known/openid-configuration"));
        var document = JsonDocument.Parse(await discovery.Content.ReadAsStringAsync(Cancellation)).RootElement;
        var jwksUri = new Uri(document.GetProperty("jwks_uri").GetString()!);
        var tokenEndpoint = new Uri(document.GetProperty("token_endpoint").GetString()!);
        using var keys = await system.Client.SendAnonymousAsync(new HttpRequestMessage(HttpMethod.Get, jwksUri));
        using var signIn = await system.Client.SendAnonymousAsync(new HttpRequestMessage(HttpMethod.Post, tokenEndpoint)
        {
            Content = JsonContent.Create(new { username = Customers.Admin, password = Customers.PasswordOf(Customers.Admin) }),
        });

        Assert.Equal(new Uri(gateway, "/api/auth/.well-known/jwks.json"), jwksUri);
        Assert.Equal(new Uri(gateway, "/api/auth/connect/token"), tokenEndpoint);
        Assert.NotEmpty(JsonDocument.Parse(await keys.Content.ReadAsStringAsync(Cancellation)).RootElement.GetProperty("keys").EnumerateArray());
        var token = new JsonWebToken((await signIn.ReadAsync<TokenAnswer>(HttpStatusCode.OK)).AccessToken);
        // The issuer is the name tokens carry, not an address: the gateway checks tokens against it.
        Assert.Equal(document.GetProperty("issuer").GetString(), token.Issuer);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using FlashSale.Contracts;
using FlashSale.Contracts.Orders;
using FlashSale.EndToEnd.Tests.Fixture;
using FlashSale.ServiceDefaults;

namespace FlashSale.EndToEnd.Tests.Scenarios;

/// <summary>Requests the system must turn away, and the proof that turning them away left nothing behind.</summary>
public sealed class AccessAndValidationTests(SystemFixture system)
{
    [Fact]
    public async Task An_order_without_a_token_is_401_even_with_a_forged_user_header_and_reserves_nothing()
    {
        var sku = await StockedSkuAsync("ANON");

        using var anonymous = await system.Client.SendAnonymousAsync(Shopper.OrderRequest(sku, 1, Guid.NewGuid().ToString()));
        var forgery = Shopper.OrderRequest(sku, 1, Guid.NewGuid().ToString());
        forgery.Headers.Add(GatewayHeaders.UserId, "alice");
        forgery.Headers.Add(GatewayHeaders.UserRoles, Roles.Admin);
        using var forged = await system.Client.SendAnonymousAsync(forgery);

        await anonymous.ReadProblemAsync(HttpStatusCode.Unauthorized);
        await forged.ReadProblemAsync(HttpStatusCode.Unauthorized);
        await AssertNothingHappenedToAsync(sku);
    }

    [Fact]
    public async Task A_customer_asking_for_another_customers_order_gets_404_as_if_it_did_not_exist()
    {
        var sku = await StockedSkuAsync("PRIVACY");
        var owner = await system.Client.SignInAsync(system.Customers.Next());
        var snoop = await system.Client.SignInAsync(system.Customers.Next());
        var order = await owner.PlaceOrderAsync(sku, quantity: 1);
        await owner.OrderOnceAsync(order.Id, "Confirmed");

        using var read = await snoop.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/orders/{order.Id}"));
        using var cancel = await snoop.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/orders/{order.Id}/cancel"));
        using var missing = await snoop.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/orders/{Guid.NewGuid():N}"));

        var hidden = await read.ReadProblemAsync(HttpStatusCode.NotFound);
        // The owner's own cancel would be 409 (it is confirmed); the snoop must not learn even that.
        await cancel.ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(hidden.Title, (await missing.ReadProblemAsync(HttpStatusCode.NotFound)).Title);
        Assert.Equal("Confirmed", system.WriteModelOrder(order.Id).Status);
        Assert.Equal(0, (await snoop.ListOrdersAsync()).TotalCount);
        Assert.Empty(system.StoredOrdersOf(snoop.UserName));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_order_body_over_16_KiB_is_413_at_the_gateway_and_reserves_nothing(bool declaresItsLength)
    {
        var sku = await StockedSkuAsync("OVERSIZED");
        var customer = await system.Client.SignInAsync(system.Customers.Next());
        var json = $$"""{"items":[{"sku":"{{sku}}","quantity":1}]}""" + new string(' ', 16 * 1024);
        HttpContent content = declaresItsLength
            ? new StringContent(json, Encoding.UTF8, "application/json")
            : new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json))) { Headers = { ContentType = new("application/json") } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = content, Headers = { { "Idempotency-Key", Guid.NewGuid().ToString() } } };
        request.Headers.TransferEncodingChunked = !declaresItsLength;

        using var response = await customer.SendAsync(request);

        Assert.Equal("Request body too large", (await response.ReadProblemAsync(HttpStatusCode.RequestEntityTooLarge)).Title);
        await AssertNothingHappenedToAsync(sku);
    }

    [Fact]
    public async Task Malformed_orders_are_400_with_an_error_per_field_and_leave_nothing_behind()
    {
        var sku = await StockedSkuAsync("MALFORMED");
        var customer = await system.Client.SignInAsync(system.Customers.Next());

        // Two bad lines and no Idempotency-Key: every problem is reported at once.
        using var badFields = await customer.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { items = new object[] { new { sku = "", quantity = 0 }, new { sku, quantity = 11 } } }),
        });
        using var wrongType = await customer.SendAsync(WithKey(new StringContent(
            $$"""{"items":[{"sku":"{{sku}}","quantity":"two"}]}""", Encoding.UTF8, "application/json")));
        using var truncated = await customer.SendAsync(WithKey(new StringContent("""{"items":[{"sku":""", Encoding.UTF8, "application/json")));

        Assert.Equal(
            ["Idempotency-Key", "items[0].quantity", "items[0].sku", "items[1].quantity"],
            (await badFields.ReadProblemAsync(HttpStatusCode.BadRequest)).Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["items[0].quantity"], (await wrongType.ReadProblemAsync(HttpStatusCode.BadRequest)).Errors!.Keys);
        Assert.Equal(["body"], (await truncated.ReadProblemAsync(HttpStatusCode.BadRequest)).Errors!.Keys);
        await AssertNothingHappenedToAsync(sku);
        Assert.Empty(system.StoredOrdersOf(customer.UserName));
        Assert.Equal(0, (await customer.ListOrdersAsync()).TotalCount);
    }

    private static HttpRequestMessage WithKey(HttpContent content) => new(HttpMethod.Post, "/api/orders")
    {
        Content = content,
        Headers = { { "Idempotency-Key", Guid.NewGuid().ToString() } },
    };

    private async Task<string> StockedSkuAsync(string scenario)
    {
        var sku = Sku.New(scenario);
        await (await system.Client.SignInAsAdminAsync()).CreateSaleAsync(sku, price: 20m, salePrice: 10m, stock: 3);
        return sku;
    }

    /// <summary>No order, no reservation, no charge for the SKU: the stock is as the admin set it and no order names it.</summary>
    private async Task AssertNothingHappenedToAsync(string sku)
    {
        var admin = await system.Client.SignInAsAdminAsync();
        Assert.Equal(new StockLevels(sku, 3, 0, 0), await admin.GetStockAsync(sku));
        Assert.DoesNotContain(system.Events<OrderPlaced>(Topics.Orders), placed => placed.Lines.Any(line => line.Sku == sku));
    }
}

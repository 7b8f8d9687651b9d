using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlashSale.Contracts.Inventory;
using FlashSale.ServiceDefaults;

namespace FlashSale.Inventory.Tests.Api;

public sealed class StockApiTests(InventoryHost host) : IClassFixture<InventoryHost>
{
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    private HttpClient Admin() => host.App.CreateClientAs("admin-1", Roles.Admin);

    [Fact]
    public async Task An_admin_sets_stock_and_reads_it_back()
    {
        var sku = InventoryHost.NewSku();
        using var admin = Admin();

        var put = await admin.PutAsJsonAsync($"/stock/{sku}", new { available = 50 }, _cancellation);
        var get = await admin.GetFromJsonAsync<StockLevels>($"/stock/{sku}", ApiJson.Options, _cancellation);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(new StockLevels(sku, 50, 0, 0), await put.Content.ReadFromJsonAsync<StockLevels>(ApiJson.Options, _cancellation));
        Assert.Equal(new StockLevels(sku, 50, 0, 0), get);
        var changed = Assert.Single(host.Events<StockChanged>(sku));
        Assert.Equal((50, 1L), (changed.Available, changed.Sequence));
    }

    [Fact]
    public async Task The_levels_show_reserved_and_sold_units()
    {
        var sku = InventoryHost.NewSku();
        using var admin = Admin();
        await admin.PutAsJsonAsync($"/stock/{sku}", new { available = 10 }, _cancellation);
        await host.Stock(sku).ReserveAsync(new ReserveBatch("call-a", [new ReserveItem("order-a", 3)]));
        await host.Stock(sku).ReserveAsync(new ReserveBatch("call-b", [new ReserveItem("order-b", 2)]));
        await host.Stock(sku).CommitAsync(new SettleBatch([new SettleItem("order-b", 2)]));

        var levels = await admin.GetFromJsonAsync<StockLevels>($"/stock/{sku}", ApiJson.Options, _cancellation);

        Assert.Equal(new StockLevels(sku, 5, 3, 2), levels);
    }

    [Fact]
    public async Task Setting_stock_keeps_units_held_by_reservations()
    {
        var sku = InventoryHost.NewSku();
        using var admin = Admin();
        await admin.PutAsJsonAsync($"/stock/{sku}", new { available = 10 }, _cancellation);
        await host.Stock(sku).ReserveAsync(new ReserveBatch("call-c", [new ReserveItem("order-a", 4)]));

        var put = await admin.PutAsJsonAsync($"/stock/{sku}", new { available = 1 }, _cancellation);

        Assert.Equal(new StockLevels(sku, 1, 4, 0), await put.Content.ReadFromJsonAsync<StockLevels>(ApiJson.Options, _cancellation));
    }

    [Fact]
    public async Task A_sku_never_stocked_has_no_units()
    {
        var sku = InventoryHost.NewSku();
        using var admin = Admin();

        Assert.Equal(new StockLevels(sku, 0, 0, 0), await admin.GetFromJsonAsync<StockLevels>($"/stock/{sku}", ApiJson.Options, _cancellation));
    }

    [Fact]
    public async Task Anonymous_callers_get_401_and_customers_403()
    {
        var sku = InventoryHost.NewSku();
        using var anonymous = host.App.CreateClient();
        using var customer = host.App.CreateClientAs("customer-1", Roles.Customer);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/stock/{sku}", _cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PutAsJsonAsync($"/stock/{sku}", new { available = 1 }, _cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.GetAsync($"/stock/{sku}", _cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.PutAsJsonAsync($"/stock/{sku}", new { available = 1 }, _cancellation)).StatusCode);
        Assert.Empty(host.Events<StockChanged>(sku));
    }

    [Theory]
    [InlineData("""{ "available": -1 }""")]
    [InlineData("""{ "available": 1000001 }""")]
    [InlineData("""{ "available": null }""")]
    [InlineData("""{ }""")]
    public async Task An_invalid_figure_is_a_validation_problem_naming_the_field(string body)
    {
        var sku = InventoryHost.NewSku();
        using var admin = Admin();

        var response = await admin.PutAsync($"/stock/{sku}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), _cancellation);

        await AssertValidationProblemAsync(response, "available");
        Assert.Empty(host.Events<StockChanged>(sku));
    }

    [Fact]
    public async Task An_invalid_sku_is_a_validation_problem_naming_the_field()
    {
        using var admin = Admin();
        var tooLong = new string('A', 65);

        await AssertValidationProblemAsync(await admin.PutAsJsonAsync("/stock/bad%20sku", new { available = 1 }, _cancellation), "sku");
        await AssertValidationProblemAsync(await admin.GetAsync($"/stock/{tooLong}", _cancellation), "sku");
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_rejected_with_400()
    {
        using var admin = Admin();

        var response = await admin.PutAsync($"/stock/{InventoryHost.NewSku()}", new StringContent("fifty", System.Text.Encoding.UTF8, "application/json"), _cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("""{ "available": "5" }""")]
    [InlineData("""{ "available": "five" }""")]
    public async Task A_figure_sent_as_a_string_is_a_wrong_type_and_sets_nothing(string body)
    {
        var sku = InventoryHost.NewSku();
        using var admin = Admin();

        var response = await admin.PutAsync($"/stock/{sku}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), _cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(host.Events<StockChanged>(sku));
    }

    [Fact]
    public async Task A_body_over_4_KiB_is_a_413_and_sets_nothing()
    {
        var sku = InventoryHost.NewSku();
        using var admin = Admin();
        var body = """{ "available": 5 }""" + new string(' ', 4 * 1024);

        var response = await admin.PutAsync($"/stock/{sku}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), _cancellation);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(host.Events<StockChanged>(sku));
    }

    [Fact]
    public async Task The_openapi_document_lists_the_stock_api_but_not_the_endpoints_dapr_calls()
    {
        using var client = host.App.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", _cancellation);

        var paths = document.GetProperty("paths").EnumerateObject().Select(path => path.Name).ToList();
        Assert.Contains("/stock/{sku}", paths);
        Assert.DoesNotContain(paths, path => path.StartsWith("/actors", StringComparison.Ordinal) || path == "/dapr/config");
    }

    private async Task AssertValidationProblemAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(_cancellation);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}' in {problem}");
    }
}

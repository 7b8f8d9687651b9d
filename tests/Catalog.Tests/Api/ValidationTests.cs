using System.Net;
using System.Net.Http.Json;
using FlashSale.Catalog.Tests.Support;

namespace FlashSale.Catalog.Tests.Api;

public sealed class ValidationTests(CatalogFactory factory) : IClassFixture<CatalogFactory>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_invalid_product_is_rejected_with_an_error_per_field()
    {
        var response = await factory.CreateAdmin().PostAsJsonAsync(
            "/products", new { sku = "bad sku", name = "", price = 10.005m, currency = "euro" }, Token);

        Assert.Equal(["currency", "name", "price", "sku"], await response.ValidationErrorFieldsAsync());
        Assert.Empty(factory.PublishedAbout("bad sku"));
    }

    [Fact]
    public async Task An_invalid_update_is_rejected_and_changes_nothing()
    {
        var sku = CatalogFactory.NewSku();
        var admin = factory.CreateAdmin();
        var (_, etag) = await admin.CreateProductAsync(sku);

        var response = await admin.SendAsync(CatalogHttp.Put($"/products/{sku}", new { name = "Tee", price = -1m }, etag), Token);

        Assert.Equal(["currency", "price"], await response.ValidationErrorFieldsAsync());
        Assert.Equal(etag, (await admin.GetProductAsync(sku)).ETag);
    }

    [Fact]
    public async Task An_invalid_sale_is_rejected_with_an_error_per_field()
    {
        var sku = CatalogFactory.NewSku();
        var admin = factory.CreateAdmin();
        var (_, etag) = await admin.CreateProductAsync(sku, price: 20m);

        var response = await admin.SendAsync(CatalogHttp.Put($"/products/{sku}/sale", new
        {
            salePrice = 25m,
            startsAt = CatalogFactory.Start.AddHours(2),
            endsAt = CatalogFactory.Start.AddHours(1),
        }, etag), Token);

        Assert.Equal(["endsAt", "salePrice"], await response.ValidationErrorFieldsAsync());
        Assert.Null((await admin.GetProductAsync(sku)).Product.Sale);
    }

    [Fact]
    public async Task The_price_cannot_drop_to_the_sale_price_while_a_sale_is_scheduled()
    {
        var sku = CatalogFactory.NewSku();
        var admin = factory.CreateAdmin();
        await admin.CreateProductAsync(sku, price: 20m);
        var etag = await admin.ScheduleSaleAsync(sku, 15m, CatalogFactory.Start, CatalogFactory.Start.AddHours(1));

        var response = await admin.SendAsync(CatalogHttp.Put($"/products/{sku}", new { name = "Tee", price = 15m, currency = "EUR" }, etag), Token);

        Assert.Equal(["price"], await response.ValidationErrorFieldsAsync());
    }

    [Theory]
    [InlineData("?page=0", "page")]
    [InlineData("?pageSize=0", "pageSize")]
    [InlineData("?pageSize=101", "pageSize")]
    [InlineData("?page=-1&pageSize=1000", "page,pageSize")]
    [InlineData("?page=2147483647", "page")]
    [InlineData("?page=21474838&pageSize=100", "page")]
    public async Task Bad_paging_is_rejected(string query, string fields)
    {
        var response = await factory.CreateClient().GetAsync($"/products{query}", Token);

        Assert.Equal(fields.Split(','), await response.ValidationErrorFieldsAsync());
    }

    [Theory]
    [InlineData("/products?page=two")]
    [InlineData("/products?pageSize=1e3")]
    public async Task Paging_that_is_not_a_whole_number_is_a_bad_request(string path)
    {
        var response = await factory.CreateClient().GetAsync(path, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}

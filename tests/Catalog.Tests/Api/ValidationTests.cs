using System.Net;
using System.Net.Http.Json;
using System.Text;
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
    public async Task A_price_sent_as_a_string_is_a_wrong_type_like_any_other()
    {
        var sku = CatalogFactory.NewSku();

        var response = await factory.CreateAdmin().PostAsync("/products", new StringContent(
            $$"""{"sku":"{{sku}}","name":"Tee","description":"","price":"19.99","currency":"EUR"}""", Encoding.UTF8, "application/json"), Token);

        response.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Empty(factory.PublishedAbout(sku));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_product_body_over_32_KiB_is_a_413_and_creates_nothing(bool declaresItsLength)
    {
        var sku = CatalogFactory.NewSku();
        var json = $$"""{"sku":"{{sku}}","name":"Tee","description":"{{new string('x', 32 * 1024)}}","price":19.99,"currency":"EUR"}""";
        HttpContent content = declaresItsLength
            ? new StringContent(json, Encoding.UTF8, "application/json")
            : new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json))) { Headers = { ContentType = new("application/json") } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/products") { Content = content };
        request.Headers.TransferEncodingChunked = !declaresItsLength;

        var response = await factory.CreateAdmin().SendAsync(request, Token);

        response.AssertProblem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(factory.PublishedAbout(sku));
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().GetAsync($"/products/{sku}", Token)).StatusCode);
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

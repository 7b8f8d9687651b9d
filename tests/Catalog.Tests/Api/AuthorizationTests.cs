using System.Net;
using System.Net.Http.Json;
using FlashSale.Catalog.Api;
using FlashSale.Catalog.Tests.Support;

namespace FlashSale.Catalog.Tests.Api;

/// <summary>The gateway already checks roles; the catalog checks again (defence in depth).</summary>
public sealed class AuthorizationTests(CatalogFactory factory) : IClassFixture<CatalogFactory>
{
    public static TheoryData<string> Writes => ["POST product", "PUT product", "DELETE product", "PUT sale", "DELETE sale"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Writes_without_a_user_are_unauthorized(string write)
    {
        var (sku, etag) = await CreateOnSaleAsync();
        var newSku = CatalogFactory.NewSku();

        var response = await factory.CreateClient().SendAsync(Write(write, sku, etag, newSku), Token);

        response.AssertProblem(HttpStatusCode.Unauthorized);
        await AssertUnchangedAsync(sku, etag, newSku);
    }

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Writes_by_a_customer_are_forbidden(string write)
    {
        var (sku, etag) = await CreateOnSaleAsync();
        var newSku = CatalogFactory.NewSku();

        var response = await factory.CreateCustomer().SendAsync(Write(write, sku, etag, newSku), Token);

        response.AssertProblem(HttpStatusCode.Forbidden);
        await AssertUnchangedAsync(sku, etag, newSku);
    }

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Writes_by_an_admin_succeed(string write)
    {
        var (sku, etag) = await CreateOnSaleAsync();

        var response = await factory.CreateAdmin().SendAsync(Write(write, sku, etag, CatalogFactory.NewSku()), Token);

        Assert.True(response.IsSuccessStatusCode, $"{write}: {response.StatusCode}");
    }

    [Fact]
    public async Task An_admin_creates_a_product_at_its_own_location_with_its_ETag()
    {
        var sku = CatalogFactory.NewSku();

        var response = await factory.CreateAdmin().PostAsJsonAsync("/products", CatalogHttp.NewProduct(sku), Token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var location = Assert.IsType<Uri>(response.Headers.Location);
        Assert.Equal($"/products/{sku}", location.OriginalString);
        var created = await factory.CreateClient().GetAsync(location, Token);
        Assert.Equal(response.Headers.ETag, created.Headers.ETag);
        Assert.Equal(sku, (await created.ReadAsync<ProductResponse>()).Sku);
    }

    [Fact]
    public async Task Behind_the_gateway_the_location_carries_the_prefix_it_removed()
    {
        var sku = CatalogFactory.NewSku();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/products") { Content = JsonContent.Create(CatalogHttp.NewProduct(sku)) };
        request.Headers.Add("X-Forwarded-Prefix", "/api/catalog");

        var response = await factory.CreateAdmin().SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/catalog/products/{sku}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Anyone_may_browse()
    {
        var (sku, _) = await CreateOnSaleAsync();
        var anonymous = factory.CreateClient();

        Assert.Contains(sku, (await anonymous.ListAsync("?pageSize=100")).Items.Select(item => item.Sku));
        Assert.Equal(sku, (await anonymous.GetProductAsync(sku)).Product.Sku);
    }

    private async Task<(string Sku, string ETag)> CreateOnSaleAsync()
    {
        var sku = CatalogFactory.NewSku();
        var admin = factory.CreateAdmin();
        await admin.CreateProductAsync(sku);
        return (sku, await admin.ScheduleSaleAsync(sku, 50m, CatalogFactory.Start, CatalogFactory.Start.AddHours(1)));
    }

    private static HttpRequestMessage Write(string write, string sku, string etag, string newSku) => write switch
    {
        "POST product" => new HttpRequestMessage(HttpMethod.Post, "/products") { Content = JsonContent.Create(CatalogHttp.NewProduct(newSku)) },
        "PUT product" => CatalogHttp.Put($"/products/{sku}", new { name = "Changed", price = 60m, currency = "EUR" }, etag),
        "DELETE product" => CatalogHttp.Delete($"/products/{sku}", etag),
        "PUT sale" => CatalogHttp.Put($"/products/{sku}/sale", new
        {
            salePrice = 40m, startsAt = CatalogFactory.Start, endsAt = CatalogFactory.Start.AddHours(2),
        }, etag),
        "DELETE sale" => CatalogHttp.Delete($"/products/{sku}/sale", etag),
        _ => throw new ArgumentOutOfRangeException(nameof(write)),
    };

    private async Task AssertUnchangedAsync(string sku, string etag, string newSku)
    {
        var anonymous = factory.CreateClient();
        Assert.Equal(etag, (await anonymous.GetProductAsync(sku)).ETag);
        (await anonymous.GetAsync($"/products/{newSku}", Token)).AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(2, factory.PublishedAbout(sku).Count);
        Assert.Empty(factory.PublishedAbout(newSku));
    }
}

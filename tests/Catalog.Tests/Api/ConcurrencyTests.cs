using System.Net;
using System.Net.Http.Json;
using FlashSale.Catalog.Api;
using FlashSale.Catalog.Tests.Support;

namespace FlashSale.Catalog.Tests.Api;

/// <summary>No write overwrites a change its author has not seen (ADR 0004).</summary>
public sealed class ConcurrencyTests(CatalogFactory factory) : IClassFixture<CatalogFactory>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Creating_an_existing_sku_conflicts_and_keeps_the_original()
    {
        var sku = CatalogFactory.NewSku();
        var admin = factory.CreateAdmin();
        var (_, etag) = await admin.CreateProductAsync(sku, price: 20m);

        var response = await admin.PostAsJsonAsync("/products", CatalogHttp.NewProduct(sku, price: 99m, name: "Impostor"), Token);

        response.AssertProblem(HttpStatusCode.Conflict);
        var (product, currentETag) = await admin.GetProductAsync(sku);
        Assert.Equal(("Test product", 20m, etag), (product.Name, product.Price, currentETag));
    }

    [Fact]
    public async Task Concurrent_creates_of_one_sku_let_exactly_one_win()
    {
        var sku = CatalogFactory.NewSku();
        var admin = factory.CreateAdmin();

        var responses = await Task.WhenAll(Enumerable.Range(1, 10).Select(i =>
            admin.PostAsJsonAsync("/products", CatalogHttp.NewProduct(sku, price: i), Token)));

        var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal((await winner.ReadAsync<ProductResponse>()).Price, (await admin.GetProductAsync(sku)).Product.Price);
        Assert.Single((await admin.ListAsync("?pageSize=100")).Items, item => item.Sku == sku);
        Assert.Single(factory.PublishedAbout(sku));
    }

    public static TheoryData<string> ChangesNeedingIfMatch => ["PUT product", "DELETE product", "PUT sale", "DELETE sale"];

    [Theory]
    [MemberData(nameof(ChangesNeedingIfMatch))]
    public async Task A_change_without_If_Match_is_refused_as_precondition_required(string change)
    {
        var sku = CatalogFactory.NewSku();
        var admin = factory.CreateAdmin();
        await admin.CreateProductAsync(sku, price: 20m);
        var etag = await admin.ScheduleSaleAsync(sku, 15m, CatalogFactory.Start, CatalogFactory.Start.AddHours(1));

        var response = await admin.SendAsync(Change(change, sku, ifMatch: null), Token);

        response.AssertProblem((HttpStatusCode)428);
        Assert.Equal(etag, (await admin.GetProductAsync(sku)).ETag);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("W/\"1\"")]
    [InlineData("not-quoted")]
    [InlineData("\"1\", \"2\"")]
    public async Task An_If_Match_that_is_not_one_strong_ETag_is_a_bad_request(string ifMatch)
    {
        var sku = CatalogFactory.NewSku();
        var admin = factory.CreateAdmin();
        var (_, etag) = await admin.CreateProductAsync(sku);

        var response = await admin.SendAsync(CatalogHttp.Put($"/products/{sku}", new { name = "Blind", price = 1m, currency = "EUR" }, ifMatch), Token);

        response.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(etag, (await admin.GetProductAsync(sku)).ETag);
    }

    [Fact]
    public async Task Of_two_admins_editing_the_same_version_the_second_is_refused_and_the_first_kept()
    {
        var sku = CatalogFactory.NewSku();
        await factory.CreateAdmin().CreateProductAsync(sku, price: 20m);
        var alice = factory.CreateClientAs("alice", "admin");
        var bob = factory.CreateClientAs("bob", "admin");
        var (_, aliceRead) = await alice.GetProductAsync(sku);
        var (_, bobRead) = await bob.GetProductAsync(sku);

        var aliceWrite = await alice.SendAsync(
            CatalogHttp.Put($"/products/{sku}", new { name = "Alice's tee", price = 25m, currency = "EUR" }, aliceRead), Token);
        var bobWrite = await bob.SendAsync(
            CatalogHttp.Put($"/products/{sku}", new { name = "Bob's tee", price = 30m, currency = "USD" }, bobRead), Token);

        Assert.Equal(HttpStatusCode.OK, aliceWrite.StatusCode);
        bobWrite.AssertProblem(HttpStatusCode.PreconditionFailed);
        var (product, etag) = await bob.GetProductAsync(sku);
        Assert.Equal(("Alice's tee", 25m, "EUR"), (product.Name, product.Price, product.Currency));
        Assert.Equal(CatalogHttp.ETagOf(aliceWrite), etag);
        Assert.NotEqual(aliceRead, etag);
    }

    [Theory]
    [MemberData(nameof(ChangesNeedingIfMatch))]
    public async Task A_change_based_on_a_stale_ETag_fails_and_changes_nothing(string change)
    {
        var sku = CatalogFactory.NewSku();
        var admin = factory.CreateAdmin();
        var (_, stale) = await admin.CreateProductAsync(sku, price: 20m);
        var current = await admin.ScheduleSaleAsync(sku, 15m, CatalogFactory.Start, CatalogFactory.Start.AddHours(1));
        var publishedBefore = factory.Dapr.Published.Count;

        var response = await admin.SendAsync(Change(change, sku, stale), Token);

        response.AssertProblem(HttpStatusCode.PreconditionFailed);
        var (product, etag) = await admin.GetProductAsync(sku);
        Assert.Equal(current, etag);
        Assert.Equal(15m, product.Sale?.SalePrice);
        Assert.Equal(publishedBefore, factory.Dapr.Published.Count);
    }

    [Fact]
    public async Task Each_answer_carries_the_ETag_for_the_next_change()
    {
        var sku = CatalogFactory.NewSku();
        var admin = factory.CreateAdmin();
        var (_, etag) = await admin.CreateProductAsync(sku, price: 20m);

        foreach (var price in new[] { 21m, 22m, 23m })
        {
            var response = await admin.SendAsync(CatalogHttp.Put($"/products/{sku}", new { name = "Tee", price, currency = "EUR" }, etag), Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            etag = CatalogHttp.ETagOf(response);
        }

        var (product, currentETag) = await admin.GetProductAsync(sku);
        Assert.Equal((23m, 4L, etag), (product.Price, product.Version, currentETag));
    }

    [Fact]
    public async Task A_deleted_product_is_gone_and_its_sku_can_be_used_again()
    {
        var sku = CatalogFactory.NewSku();
        var admin = factory.CreateAdmin();
        var (_, etag) = await admin.CreateProductAsync(sku);

        var deleted = await admin.SendAsync(CatalogHttp.Delete($"/products/{sku}", etag), Token);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        (await admin.GetAsync($"/products/{sku}", Token)).AssertProblem(HttpStatusCode.NotFound);
        (await admin.SendAsync(CatalogHttp.Delete($"/products/{sku}", etag), Token)).AssertProblem(HttpStatusCode.NotFound);
        Assert.DoesNotContain(sku, (await admin.ListAsync("?pageSize=100")).Items.Select(item => item.Sku));

        var (recreated, _) = await admin.CreateProductAsync(sku);
        // The version goes on from the deleted product's, so subscribers do not take the new events for stale ones.
        Assert.Equal(3, recreated.Version);
        Assert.Contains(sku, (await admin.ListAsync("?pageSize=100")).Items.Select(item => item.Sku));
    }

    [Theory]
    [InlineData("NOPE-1")]
    [InlineData("not a sku")]
    public async Task An_unknown_product_is_not_found(string sku)
    {
        var admin = factory.CreateAdmin();

        (await admin.GetAsync($"/products/{Uri.EscapeDataString(sku)}", Token)).AssertProblem(HttpStatusCode.NotFound);
        (await admin.SendAsync(CatalogHttp.Put($"/products/{Uri.EscapeDataString(sku)}", new { name = "X", price = 1m, currency = "EUR" }, "\"1\""), Token))
            .AssertProblem(HttpStatusCode.NotFound);
    }

    private static HttpRequestMessage Change(string change, string sku, string? ifMatch) => change switch
    {
        "PUT product" => CatalogHttp.Put($"/products/{sku}", new { name = "Changed", price = 30m, currency = "EUR" }, ifMatch),
        "DELETE product" => CatalogHttp.Delete($"/products/{sku}", ifMatch),
        "PUT sale" => CatalogHttp.Put($"/products/{sku}/sale", new
        {
            salePrice = 10m, startsAt = CatalogFactory.Start, endsAt = CatalogFactory.Start.AddHours(3),
        }, ifMatch),
        "DELETE sale" => CatalogHttp.Delete($"/products/{sku}/sale", ifMatch),
        _ => throw new ArgumentOutOfRangeException(nameof(change)),
    };
}

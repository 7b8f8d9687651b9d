using FlashSale.TestSupport;
using System.Net;
using System.Net.Http.Json;
using FlashSale.Catalog.Tests.Support;

namespace FlashSale.Catalog.Tests.Api;

public sealed class ListingTests
{
    [Fact]
    public async Task Pages_are_in_sku_order_with_the_total_count()
    {
        await using var factory = new CatalogFactory();
        var admin = factory.CreateAdmin();
        foreach (var sku in new[] { "DDD", "BBB", "EEE", "AAA", "CCC" })
        {
            await admin.CreateProductAsync(sku);
        }

        var anonymous = factory.CreateClient();
        var first = await anonymous.ListAsync("?page=1&pageSize=2");
        var second = await anonymous.ListAsync("?page=2&pageSize=2");
        var last = await anonymous.ListAsync("?page=3&pageSize=2");
        var beyond = await anonymous.ListAsync("?page=4&pageSize=2");

        Assert.Equal((1, 2, 5), (first.Page, first.PageSize, first.TotalCount));
        Assert.Equal(["AAA", "BBB"], first.Items.Select(item => item.Sku));
        Assert.Equal(["CCC", "DDD"], second.Items.Select(item => item.Sku));
        Assert.Equal(["EEE"], last.Items.Select(item => item.Sku));
        Assert.Empty(beyond.Items);
        Assert.Equal(5, beyond.TotalCount);
    }

    [Fact]
    public async Task Without_paging_parameters_the_first_page_of_twenty_is_listed()
    {
        await using var factory = new CatalogFactory();
        var admin = factory.CreateAdmin();
        for (var i = 1; i <= 21; i++)
        {
            await admin.CreateProductAsync($"SKU-{i:D2}");
        }

        var page = await factory.CreateClient().ListAsync();

        Assert.Equal((1, 20, 21), (page.Page, page.PageSize, page.TotalCount));
        Assert.Equal("SKU-01", page.Items[0].Sku);
        Assert.Equal("SKU-20", page.Items[^1].Sku);
    }

    [Fact]
    public async Task Concurrent_creates_all_appear_in_the_list()
    {
        await using var factory = new CatalogFactory();
        var admin = factory.CreateAdmin();
        var skus = Enumerable.Range(1, 30).Select(i => $"RACE-{i:D2}").ToList();

        var responses = await Task.WhenAll(skus.Select(sku =>
            admin.PostAsJsonAsync("/products", CatalogHttp.NewProduct(sku), TestContext.Current.CancellationToken)));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
        var page = await factory.CreateClient().ListAsync("?pageSize=100");
        Assert.Equal(30, page.TotalCount);
        Assert.Equal(skus, page.Items.Select(item => item.Sku));
    }

    [Fact]
    public async Task Concurrent_creates_and_deletes_keep_the_list_exact()
    {
        await using var factory = new CatalogFactory();
        var admin = factory.CreateAdmin();
        var doomed = new List<(string Sku, string ETag)>();
        for (var i = 1; i <= 10; i++)
        {
            var (product, etag) = await admin.CreateProductAsync($"OLD-{i:D2}");
            doomed.Add((product.Sku, etag));
        }

        var creates = Enumerable.Range(1, 10).Select(i =>
            admin.PostAsJsonAsync("/products", CatalogHttp.NewProduct($"NEW-{i:D2}"), TestContext.Current.CancellationToken));
        var deletes = doomed.Select(d =>
            admin.SendAsync(CatalogHttp.Delete($"/products/{d.Sku}", d.ETag), TestContext.Current.CancellationToken));
        var responses = await Task.WhenAll(creates.Concat(deletes));

        Assert.All(responses, response => Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString()));
        var page = await factory.CreateClient().ListAsync("?pageSize=100");
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"NEW-{i:D2}"), page.Items.Select(item => item.Sku));
        Assert.Equal(10, page.TotalCount);
    }

    [Fact]
    public async Task Demo_products_are_seeded_when_enabled()
    {
        await using var factory = new CatalogFactory { SeedDemoProducts = true };
        var anonymous = factory.CreateClient();

        var page = await Eventually.MatchesAsync(() => anonymous.ListAsync(), seen => seen.Items.Any(item => item.OnSale),
            "the seeded demo products, one on sale", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["HEADPHONES-X1", "KEYBOARD-K2", "MUG-LOGO", "TEE-BLACK-M"], page.Items.Select(item => item.Sku));
        Assert.Single(page.Items, item => item.OnSale);
    }
}

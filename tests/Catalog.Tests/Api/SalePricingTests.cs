using System.Net;
using System.Text.Json;
using FlashSale.Catalog.Domain;
using FlashSale.Catalog.Tests.Support;

namespace FlashSale.Catalog.Tests.Api;

public sealed class SalePricingTests
{
    private static readonly DateTimeOffset SaleStart = CatalogFactory.Start.AddHours(1);
    private static readonly DateTimeOffset SaleEnd = SaleStart.AddHours(2);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_effective_price_follows_the_sale_window()
    {
        await using var factory = new CatalogFactory();
        var admin = factory.CreateAdmin();
        await admin.CreateProductAsync("TEE-1", price: 100m);
        await admin.ScheduleSaleAsync("TEE-1", 79.99m, SaleStart, SaleEnd);
        var anonymous = factory.CreateClient();

        var before = (await anonymous.GetProductAsync("TEE-1")).Product;
        factory.Clock.SetUtcNow(SaleStart);
        var atStart = (await anonymous.GetProductAsync("TEE-1")).Product;
        var listedDuring = (await anonymous.ListAsync()).Items.Single();
        factory.Clock.SetUtcNow(SaleEnd);
        var atEnd = (await anonymous.GetProductAsync("TEE-1")).Product;

        Assert.Equal((100m, false, SaleState.Upcoming), (before.EffectivePrice, before.OnSale, before.Sale?.State));
        Assert.Equal((79.99m, true, SaleState.Active), (atStart.EffectivePrice, atStart.OnSale, atStart.Sale?.State));
        Assert.Equal((100m, 79.99m, true), (listedDuring.Price, listedDuring.EffectivePrice, listedDuring.OnSale));
        Assert.Equal((100m, false, SaleState.Ended), (atEnd.EffectivePrice, atEnd.OnSale, atEnd.Sale?.State));
    }

    [Fact]
    public async Task A_client_still_sending_units_allocated_schedules_its_sale_and_the_field_is_gone()
    {
        // The field never capped a sale (inventory's stock does, ADR 0017): an old client loses nothing it relied on.
        await using var factory = new CatalogFactory();
        var admin = factory.CreateAdmin();
        var (_, etag) = await admin.CreateProductAsync("TEE-1", price: 100m);

        var scheduled = await admin.SendAsync(CatalogHttp.Put("/products/TEE-1/sale",
            new { salePrice = 80m, startsAt = CatalogFactory.Start, endsAt = SaleEnd, unitsAllocated = 25 }, etag), Token);
        using var json = JsonDocument.Parse(await factory.CreateClient().GetStringAsync("/products/TEE-1", Token));

        Assert.Equal(HttpStatusCode.OK, scheduled.StatusCode);
        var sale = json.RootElement.GetProperty("sale");
        Assert.Equal(80m, sale.GetProperty("salePrice").GetDecimal());
        Assert.False(sale.TryGetProperty("unitsAllocated", out _));
    }

    [Fact]
    public async Task The_detail_shows_the_sale_as_json_with_its_state_in_words()
    {
        await using var factory = new CatalogFactory();
        var admin = factory.CreateAdmin();
        await admin.CreateProductAsync("TEE-1", price: 100m);
        await admin.ScheduleSaleAsync("TEE-1", 80m, CatalogFactory.Start, SaleEnd);

        using var json = JsonDocument.Parse(await factory.CreateClient().GetStringAsync("/products/TEE-1", Token));

        var root = json.RootElement;
        Assert.Equal(80m, root.GetProperty("effectivePrice").GetDecimal());
        Assert.True(root.GetProperty("onSale").GetBoolean());
        Assert.Equal("active", root.GetProperty("sale").GetProperty("state").GetString());
        Assert.Equal(SaleEnd, root.GetProperty("sale").GetProperty("endsAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Rescheduling_replaces_the_sale()
    {
        await using var factory = new CatalogFactory();
        var admin = factory.CreateAdmin();
        await admin.CreateProductAsync("TEE-1", price: 100m);
        await admin.ScheduleSaleAsync("TEE-1", 80m, SaleStart, SaleEnd);

        await admin.ScheduleSaleAsync("TEE-1", 60m, CatalogFactory.Start, SaleStart);

        var product = (await admin.GetProductAsync("TEE-1")).Product;
        Assert.Equal((60m, CatalogFactory.Start, SaleStart), (product.Sale?.SalePrice, product.Sale?.StartsAt, product.Sale?.EndsAt));
        Assert.Equal(60m, product.EffectivePrice);
    }

    [Fact]
    public async Task Cancelling_the_sale_restores_the_regular_price()
    {
        await using var factory = new CatalogFactory();
        var admin = factory.CreateAdmin();
        await admin.CreateProductAsync("TEE-1", price: 100m);
        var etag = await admin.ScheduleSaleAsync("TEE-1", 80m, CatalogFactory.Start, SaleEnd);

        var cancelled = await admin.SendAsync(CatalogHttp.Delete("/products/TEE-1/sale", etag), Token);

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var (product, currentETag) = await admin.GetProductAsync("TEE-1");
        Assert.Equal((100m, false, null), (product.EffectivePrice, product.OnSale, product.Sale));
        Assert.Equal(CatalogHttp.ETagOf(cancelled), currentETag);
        (await admin.SendAsync(CatalogHttp.Delete("/products/TEE-1/sale", currentETag), Token)).AssertProblem(HttpStatusCode.NotFound);
    }
}

using System.Net;
using System.Net.Http.Json;
using FlashSale.Catalog.Tests.Support;
using FlashSale.Contracts;
using FlashSale.Contracts.Catalog;

namespace FlashSale.Catalog.Tests.Api;

public sealed class EventTests(CatalogFactory factory) : IClassFixture<CatalogFactory>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_change_is_published_with_its_type_partition_key_and_a_growing_version()
    {
        var sku = CatalogFactory.NewSku();
        var admin = factory.CreateAdmin();
        var (_, etag) = await admin.CreateProductAsync(sku, price: 20m);
        var updated = await admin.SendAsync(CatalogHttp.Put($"/products/{sku}", new { name = "Tee", price = 25m, currency = "EUR" }, etag), Token);
        etag = await admin.ScheduleSaleAsync(sku, 15m, CatalogFactory.Start, CatalogFactory.Start.AddHours(1));
        var cancelled = await admin.SendAsync(CatalogHttp.Delete($"/products/{sku}/sale", etag), Token);
        var deleted = await admin.SendAsync(CatalogHttp.Delete($"/products/{sku}", CatalogHttp.ETagOf(cancelled)), Token);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NoContent], [updated.StatusCode, cancelled.StatusCode, deleted.StatusCode]);

        var published = factory.PublishedAbout(sku);

        Assert.All(published, message => Assert.Equal(("catalog", PubSub.Name, Topics.Catalog, sku), (message.AppId, message.PubSubName, message.Topic, message.PartitionKey)));
        Assert.Equal(
            [
                "flashsale.catalog.product-updated.v1", "flashsale.catalog.product-updated.v1", "flashsale.catalog.sale-scheduled.v1",
                "flashsale.catalog.sale-cancelled.v1", "flashsale.catalog.product-deleted.v1",
            ],
            published.Select(message => message.CloudEventType));
        var at = CatalogFactory.Start;
        Assert.Equal(new ProductUpdated(sku, "Test product", 20m, "EUR", 1, at), published[0].Deserialize<ProductUpdated>());
        Assert.Equal(new ProductUpdated(sku, "Tee", 25m, "EUR", 2, at), published[1].Deserialize<ProductUpdated>());
        Assert.Equal(new SaleScheduled(sku, 15m, "EUR", at, at.AddHours(1), 3, at), published[2].Deserialize<SaleScheduled>());
        Assert.Equal(new SaleCancelled(sku, 4, at), published[3].Deserialize<SaleCancelled>());
        Assert.Equal(new ProductDeleted(sku, 5, at), published[4].Deserialize<ProductDeleted>());
    }

    [Fact]
    public async Task Refused_changes_publish_nothing()
    {
        var sku = CatalogFactory.NewSku();
        var admin = factory.CreateAdmin();
        var (_, stale) = await admin.CreateProductAsync(sku);
        await admin.ScheduleSaleAsync(sku, 15m, CatalogFactory.Start, CatalogFactory.Start.AddHours(1));
        var publishedBefore = factory.PublishedAbout(sku).Count;

        var responses = new[]
        {
            await admin.PostAsJsonAsync("/products", CatalogHttp.NewProduct(sku), Token),
            await admin.PostAsJsonAsync("/products", CatalogHttp.NewProduct("bad"), Token),
            await admin.SendAsync(CatalogHttp.Put($"/products/{sku}", new { name = "X", price = 1m, currency = "EUR" }, stale), Token),
            await factory.CreateCustomer().SendAsync(CatalogHttp.Delete($"/products/{sku}", stale), Token),
        };

        Assert.Equal(
            [HttpStatusCode.Conflict, HttpStatusCode.BadRequest, HttpStatusCode.PreconditionFailed, HttpStatusCode.Forbidden],
            responses.Select(response => response.StatusCode));
        Assert.Equal(publishedBefore, factory.PublishedAbout(sku).Count);
        Assert.Empty(factory.PublishedAbout("bad"));
    }
}

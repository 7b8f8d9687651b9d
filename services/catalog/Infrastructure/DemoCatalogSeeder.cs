using FlashSale.Catalog.Application;
using Dapr;
using Dapr.Client;
using FlashSale.Sidecar;
using FlashSale.Catalog.Domain;

namespace FlashSale.Catalog.Infrastructure;

/// <summary>
/// Adds a few demo products (one on sale) when <c>Catalog:SeedDemoProducts</c> is true, so a fresh system shows
/// something. It goes through the normal create path: existing products are left alone and events are published.
/// </summary>
internal sealed class DemoCatalogSeeder(ProductCatalog catalog, DaprClient dapr, TimeProvider clock, ILogger<DemoCatalogSeeder> logger)
    : BackgroundService
{
    public const string EnabledKey = "Catalog:SeedDemoProducts";

    private static readonly ProductDraft[] Products =
    [
        new("TEE-BLACK-M", "FlashSale T-shirt, black, M", "Organic cotton, printed logo.", 19.99m, "EUR"),
        new("MUG-LOGO", "FlashSale mug", "Stoneware, 350 ml.", 9.50m, "EUR"),
        new("KEYBOARD-K2", "Mechanical keyboard K2", "Tenkeyless, hot-swappable switches.", 89.90m, "EUR"),
        new("HEADPHONES-X1", "Wireless headphones X1", "Noise cancelling, 30 h battery.", 149.00m, "EUR"),
    ];

    private const string SaleSku = "HEADPHONES-X1";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await dapr.WaitForSidecarAsync(stoppingToken);
            foreach (var draft in Products)
            {
                var result = await catalog.CreateAsync(draft, stoppingToken);
                if (result is WriteResult.Saved { Product.Sku: SaleSku, ETag: { } etag })
                {
                    var now = clock.GetUtcNow();
                    result = await catalog.ScheduleSaleAsync(SaleSku, etag, new SaleDraft(99.00m, now, now.AddDays(7)), stoppingToken);
                }

                logger.LogInformation("Demo product {Sku}: {Result}", draft.Sku, result.GetType().Name);
            }
        }
        catch (Exception ex) when (ex is DaprException or StateStoreUnavailableException)
        {
            logger.LogWarning(ex, "Demo products not seeded");
        }
    }
}

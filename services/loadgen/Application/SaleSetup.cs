using FlashSale.LoadGen.Infrastructure;
using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Application;

/// <summary>The SKU on sale and where its figures stood when the timed phase began.</summary>
public sealed record PreparedSale(string Sku, int UnitsOnSale, StockLevels StockBefore, int DashboardUnitsSoldBefore);

/// <summary>
/// Prepares what buyers buy, as an admin through the gateway: a new product with a flash sale running from now and
/// its stock, or an existing SKU (restocked only when asked).
/// </summary>
public static class SaleSetup
{
    public const int DefaultUnits = 1_000;
    private static readonly TimeSpan SaleLength = TimeSpan.FromDays(1);

    public static async Task<PreparedSale> PrepareAsync(
        GatewayClient gateway, SignedInUser admin, LoadOptions options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var token = await admin.TokenAsync(cancellationToken);
        if (options.Sku is { } existing)
        {
            Require(await gateway.GetProductAsync(token, existing, cancellationToken), $"reading product {existing}");
        }

        var sku = options.Sku ?? await CreateSaleAsync(gateway, token, options, clock, cancellationToken);
        var units = options.Units ?? (options.Sku is null ? DefaultUnits : null);
        var stock = units is { } available
            ? Require(await gateway.SetStockAsync(token, sku, available, cancellationToken), $"setting the stock of {sku}")
            : Require(await gateway.GetStockAsync(token, sku, cancellationToken), $"reading the stock of {sku}");

        return new PreparedSale(sku, stock.Available, stock, await UnitsSoldAsync(gateway, token, sku, cancellationToken) ?? 0);
    }

    /// <summary>The dashboard's units sold for the SKU: 0 while it has no figures (404), null when it cannot be read.</summary>
    public static async Task<int?> UnitsSoldAsync(GatewayClient gateway, string adminToken, string sku, CancellationToken cancellationToken)
    {
        var figures = await gateway.GetSaleFiguresAsync(adminToken, sku, cancellationToken);
        return figures switch
        {
            { Succeeded: true, Value: { } value } => value.UnitsSold,
            { Status: 404 } => 0,
            _ => null,
        };
    }

    private static async Task<string> CreateSaleAsync(
        GatewayClient gateway, string token, LoadOptions options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var sku = $"{options.SkuPrefix}-{Guid.NewGuid().ToString("N")[..8]}".ToUpperInvariant();
        var created = await gateway.CreateProductAsync(
            token, new NewProduct(sku, $"Load test {sku}", "Created by loadgen for a flash-sale run", options.Price, options.Currency), cancellationToken);
        Require(created, $"creating product {sku}");
        var etag = created.ETag ?? (await gateway.GetProductAsync(token, sku, cancellationToken)).ETag
            ?? throw new SetupFailedException($"catalog sent no ETag for {sku}, so its sale cannot be scheduled");
        var now = clock.GetUtcNow();
        // Started a minute ago, so that a catalog whose clock is a little behind already sells at the sale price.
        Require(await gateway.ScheduleSaleAsync(token, sku, etag, new SaleSchedule(options.SalePrice, now.AddMinutes(-1), now + SaleLength), cancellationToken),
            $"scheduling the flash sale of {sku}");
        return sku;
    }

    private static T Require<T>(GatewayAnswer<T> answer, string what) => answer is { Succeeded: true, Value: { } value }
        ? value
        : throw new SetupFailedException($"{what} failed: {answer.Describe()}");
}

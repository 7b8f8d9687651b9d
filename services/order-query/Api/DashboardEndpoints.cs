using FlashSale.OrderQuery.Domain;
using FlashSale.OrderQuery.Infrastructure;
using FlashSale.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.OrderQuery.Api;

/// <summary>The sale dashboard for admins (the gateway maps <c>/api/dashboard/**</c> here).</summary>
public static class DashboardEndpoints
{
    public static IEndpointRouteBuilder MapDashboardEndpoints(this IEndpointRouteBuilder app)
    {
        var dashboard = app.MapGroup("/dashboard").RequireAuthorization(Roles.Admin).WithTags("Dashboard");
        dashboard.MapGet("/sales", GetSalesAsync).WithName("GetSalesDashboard");
        dashboard.MapGet("/sales/{sku}", GetSaleAsync).WithName("GetSaleFigures");
        return app;
    }

    private static async Task<Ok<SalesDashboard>> GetSalesAsync(ViewStore views, CancellationToken cancellationToken) =>
        TypedResults.Ok(new SalesDashboard(await AllFiguresAsync(views, cancellationToken)));

    /// <summary>The figures of every SKU the dashboard lists.</summary>
    public static async Task<IReadOnlyList<SaleFigures>> AllFiguresAsync(ViewStore views, CancellationToken cancellationToken) =>
        await FiguresOfAsync(await ListedAsync(views, cancellationToken), views, cancellationToken);

    private static async Task<Results<Ok<SaleFigures>, ProblemHttpResult>> GetSaleAsync(
        string sku, ViewStore views, CancellationToken cancellationToken) =>
        (await ListedAsync(views, cancellationToken)).Contains(sku)
            ? TypedResults.Ok((await FiguresOfAsync([sku], views, cancellationToken)).Single())
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No sale figures for this SKU",
                detail: $"nothing has been sold, stocked or catalogued as {sku} yet");

    /// <summary>
    /// Four bulk reads whatever the number of SKUs: their dashboards, all their ledger shards, the shards' archive
    /// directories and the archives. The order matters: a move writes archive, directory, then empties the shard, so a
    /// shard read as emptied comes with a directory that lists its archive.
    /// </summary>
    private static async Task<IReadOnlyList<SaleFigures>> FiguresOfAsync(
        IReadOnlyList<string> skus, ViewStore views, CancellationToken cancellationToken)
    {
        var dashboards = await DashboardsOfAsync(skus, views, cancellationToken);
        var shardKeys = skus.SelectMany(ViewKeys.LedgerShards).ToList();
        var shards = await views.ReadManyAsync<SaleLedgerShard>(shardKeys, cancellationToken);
        var directories = await views.ReadManyAsync<ArchiveDirectory>(shardKeys.Select(ViewKeys.ArchivesOf).ToList(), cancellationToken);
        var archiveKeys = directories.SelectMany(directory => directory.Keys).Concat(shards.SelectMany(shard => shard.Archives));
        var archives = await views.ReadManyAsync<SaleLedgerArchive>(archiveKeys.Distinct(StringComparer.Ordinal).ToList(), cancellationToken);
        var recorded = shards.Select(shard => (shard.Sku, shard.Orders)).Concat(archives.Select(archive => (archive.Sku, archive.Orders)))
            .ToLookup(entries => entries.Sku, entries => entries.Orders);
        return skus.Select(sku => SaleFigures.From(sku, dashboards.GetValueOrDefault(sku), SaleLedger.Totals(recorded[sku]))).ToList();
    }

    /// <summary>The stock of every SKU the dashboard lists, without the sale ledgers (for the landing page's stream).</summary>
    public static async Task<IReadOnlyList<SkuStock>> AllStockAsync(ViewStore views, CancellationToken cancellationToken)
    {
        var skus = await ListedAsync(views, cancellationToken);
        var dashboards = await DashboardsOfAsync(skus, views, cancellationToken);
        return skus.Select(sku => SkuStock.Of(sku, dashboards.GetValueOrDefault(sku))).ToList();
    }

    private static async Task<IReadOnlyList<string>> ListedAsync(ViewStore views, CancellationToken cancellationToken) =>
        (await views.ReadAsync<DashboardSkus>(ViewKeys.DashboardSkus, cancellationToken))?.Skus ?? [];

    private static async Task<Dictionary<string, SaleDashboard>> DashboardsOfAsync(
        IReadOnlyList<string> skus, ViewStore views, CancellationToken cancellationToken) =>
        (await views.ReadManyAsync<SaleDashboard>(skus.Select(ViewKeys.Dashboard).ToList(), cancellationToken))
            .ToDictionary(dashboard => dashboard.Sku);
}

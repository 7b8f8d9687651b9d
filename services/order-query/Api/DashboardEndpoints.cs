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
    public static async Task<IReadOnlyList<SaleFigures>> AllFiguresAsync(ViewStore views, CancellationToken cancellationToken)
    {
        var listed = await views.ReadAsync<DashboardSkus>(ViewKeys.DashboardSkus, cancellationToken);
        return await FiguresOfAsync(listed?.Skus ?? [], views, cancellationToken);
    }

    private static async Task<Results<Ok<SaleFigures>, ProblemHttpResult>> GetSaleAsync(
        string sku, ViewStore views, CancellationToken cancellationToken)
    {
        var listed = await views.ReadAsync<DashboardSkus>(ViewKeys.DashboardSkus, cancellationToken);
        return listed?.Skus.Contains(sku) == true
            ? TypedResults.Ok((await FiguresOfAsync([sku], views, cancellationToken)).Single())
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No sale figures for this SKU",
                detail: $"nothing has been sold, stocked or catalogued as {sku} yet");
    }

    /// <summary>Two bulk reads whatever the number of SKUs: their dashboards, then all their ledger shards.</summary>
    private static async Task<IReadOnlyList<SaleFigures>> FiguresOfAsync(
        IReadOnlyList<string> skus, ViewStore views, CancellationToken cancellationToken)
    {
        var dashboards = (await views.ReadManyAsync<SaleDashboard>(skus.Select(ViewKeys.Dashboard).ToList(), cancellationToken))
            .ToDictionary(dashboard => dashboard.Sku);
        var ledgers = (await views.ReadManyAsync<SaleLedgerShard>(skus.SelectMany(ViewKeys.LedgerShards).ToList(), cancellationToken))
            .ToLookup(shard => shard.Sku);
        return skus.Select(sku => SaleFigures.From(sku, dashboards.GetValueOrDefault(sku), SaleLedger.Totals(ledgers[sku]))).ToList();
    }
}

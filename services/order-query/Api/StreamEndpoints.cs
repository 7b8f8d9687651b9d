using System.Security.Claims;
using FlashSale.OrderQuery.Domain;
using FlashSale.OrderQuery.Infrastructure;
using FlashSale.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.OrderQuery.Api;

/// <summary>
/// Live views as server-sent events (the gateway maps <c>/api/stream/**</c> here), authorized like their REST reads:
/// remaining stock for anyone (the landing page), the sale dashboard for admins, and one order for its owner (or an
/// admin), 404 for anyone else exactly as <c>GET /orders/{id}</c>.
/// </summary>
public static class StreamEndpoints
{
    public static IEndpointRouteBuilder MapStreamEndpoints(this IEndpointRouteBuilder app)
    {
        var streams = app.MapGroup("/stream").WithTags("Streams");
        streams.MapGet("/stock", (ViewStore views) => new ServerSentEventStream(
            async cancellationToken => new StockSnapshot(await DashboardEndpoints.AllStockAsync(views, cancellationToken)), "stock"))
            .AllowAnonymous().WithName("StreamStock");
        streams.MapGet("/sales", (ViewStore views) => new ServerSentEventStream(
            async cancellationToken => new SalesDashboard(await DashboardEndpoints.AllFiguresAsync(views, cancellationToken)), "sales"))
            .RequireAuthorization(Roles.Admin).WithName("StreamSalesDashboard");
        streams.MapGet("/orders/{orderId}", StreamOrderAsync).RequireAuthorization(Roles.Customer).WithName("StreamOrder");
        return app;
    }

    private static async Task<Results<ServerSentEventStream, ProblemHttpResult>> StreamOrderAsync(
        string orderId, ClaimsPrincipal user, ViewStore views, CancellationToken cancellationToken)
    {
        var view = await views.ReadAsync<OrderView>(ViewKeys.Order(orderId), cancellationToken);
        if (!OrdersEndpoints.IsVisibleTo(view, user))
        {
            return OrdersEndpoints.OrderNotFound(orderId);
        }

        return new ServerSentEventStream(async streaming =>
            await views.ReadAsync<OrderView>(ViewKeys.Order(orderId), streaming) is { IsVisible: true } current
                ? OrderDetails.From(current)
                : null, "order", watchedKey: ViewKeys.Order(orderId));
    }
}

/// <summary>What the landing page shows live: each SKU's free units (null until inventory reported them).</summary>
public sealed record StockSnapshot(IReadOnlyList<SkuStock> Skus);

public sealed record SkuStock(string Sku, int? RemainingStock, bool SoldOut)
{
    public static SkuStock Of(string sku, SaleDashboard? dashboard) => new(sku, dashboard?.RemainingStock, SaleDashboard.IsSoldOut(dashboard));
}

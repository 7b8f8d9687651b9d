using FlashSale.OrderQuery.Api;
using FlashSale.OrderQuery.Application;
using FlashSale.OrderQuery.Infrastructure;
using FlashSale.Sidecar;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlashSale.OrderQuery;

public static class OrderQueryServiceExtensions
{
    /// <summary>The view store and the projections that keep the views up to date.</summary>
    public static WebApplicationBuilder AddOrderQuery(this WebApplicationBuilder builder)
    {
        builder.AddDaprSidecar();
        builder.Services.AddSingleton<ViewChanges>();
        builder.Services.AddSingleton<ViewStore>();
        builder.Services.AddSingleton<DashboardSkuList>();
        builder.Services.AddSingleton<OrderViewProjector>();
        builder.Services.AddSingleton<SaleDashboardProjector>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<OrderQueryMetrics>();
        builder.Services.AddSingleton<ProjectionLag>();
        builder.Services.AddOrderQuerySubscriptions();
        return builder;
    }
}

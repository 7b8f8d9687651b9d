using FlashSale.Contracts;
using FlashSale.Contracts.Catalog;
using FlashSale.Contracts.Inventory;
using FlashSale.Contracts.Orders;
using FlashSale.Contracts.Payments;
using FlashSale.OrderQuery.Projections;
using FlashSale.OrderQuery.Storage;
using FlashSale.ServiceDefaults.Messaging;

namespace FlashSale.OrderQuery;

public static class OrderQueryServiceExtensions
{
    /// <summary>The view store and the projections that keep the views up to date.</summary>
    public static WebApplicationBuilder AddOrderViews(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ViewStore>();
        builder.Services.AddSingleton<DashboardSkuList>();
        builder.Services.AddSingleton<OrderViewProjector>();
        builder.Services.AddSingleton<SaleDashboardProjector>();
        builder.Services
            .AddEventHandler<OrderPlaced, OrderViewHandlers>()
            .AddEventHandler<OrderConfirmed, OrderViewHandlers>()
            .AddEventHandler<OrderCancelled, OrderViewHandlers>()
            .AddEventHandler<RefundRequested, OrderViewHandlers>()
            .AddEventHandler<PaymentSucceeded, OrderViewHandlers>()
            .AddEventHandler<PaymentFailed, OrderViewHandlers>()
            .AddEventHandler<PaymentRefunded, OrderViewHandlers>()
            .AddEventHandler<ReservationExpired, OrderViewHandlers>()
            .AddEventHandler<ProductUpdated, SaleDashboardHandlers>()
            .AddEventHandler<ProductDeleted, SaleDashboardHandlers>()
            .AddEventHandler<SaleScheduled, SaleDashboardHandlers>()
            .AddEventHandler<SaleCancelled, SaleDashboardHandlers>()
            .AddEventHandler<StockChanged, SaleDashboardHandlers>()
            .AddEventHandler<SoldOut, SaleDashboardHandlers>();
        return builder;
    }

    /// <summary>The read side listens to every topic; each type it knows is routed to its projection.</summary>
    public static IEndpointRouteBuilder MapOrderViewEvents(this IEndpointRouteBuilder app)
    {
        app.MapTopicSubscription(Topics.Orders)
            .On<OrderPlaced>().On<OrderConfirmed>().On<OrderCancelled>().On<RefundRequested>();
        app.MapTopicSubscription(Topics.Payments)
            .On<PaymentSucceeded>().On<PaymentFailed>().On<PaymentRefunded>();
        app.MapTopicSubscription(Topics.Inventory)
            .On<StockChanged>().On<SoldOut>().On<ReservationExpired>();
        app.MapTopicSubscription(Topics.Catalog)
            .On<ProductUpdated>().On<SaleScheduled>().On<ProductDeleted>().On<SaleCancelled>();
        return app;
    }
}

using FlashSale.Contracts;
using FlashSale.Contracts.Catalog;
using FlashSale.Contracts.Inventory;
using FlashSale.Contracts.Orders;
using FlashSale.Contracts.Payments;
using FlashSale.Messaging;
using FlashSale.OrderQuery.Application;
using FlashSale.OrderQuery.Domain;

namespace FlashSale.OrderQuery.Api;

/// <summary>The read side listens to every topic; each event type it knows is routed to the projection it feeds.</summary>
public static class OrderQuerySubscriptions
{
    public static IServiceCollection AddOrderQuerySubscriptions(this IServiceCollection services)
    {
        services.AddTopicSubscription(Topics.Orders)
            .ProjectOrder<OrderPlaced>(e => e.OrderId, OrderProjection.Apply)
            .ProjectOrder<OrderConfirmed>(e => e.OrderId, OrderProjection.Apply)
            .ProjectOrder<OrderCancelled>(e => e.OrderId, OrderProjection.Apply)
            .ProjectOrder<RefundRequested>(e => e.OrderId, OrderProjection.Apply);
        services.AddTopicSubscription(Topics.Payments)
            .ProjectOrder<PaymentSucceeded>(e => e.OrderId, OrderProjection.Apply)
            .ProjectOrder<PaymentFailed>(e => e.OrderId, OrderProjection.Apply)
            .ProjectOrder<PaymentRefunded>(e => e.OrderId, OrderProjection.Apply);
        services.AddTopicSubscription(Topics.Inventory)
            .ProjectDashboard<StockChanged>(e => e.Sku, SaleDashboardProjection.Apply)
            .ProjectDashboard<SoldOut>(e => e.Sku, SaleDashboardProjection.Apply)
            .ProjectOrder<ReservationExpired>(e => e.OrderId, OrderProjection.Apply);
        services.AddTopicSubscription(Topics.Catalog)
            .ProjectDashboard<ProductUpdated>(e => e.Sku, SaleDashboardProjection.Apply)
            .ProjectDashboard<SaleScheduled>(e => e.Sku, SaleDashboardProjection.Apply)
            .ProjectDashboard<ProductDeleted>(e => e.Sku, SaleDashboardProjection.Apply)
            .ProjectDashboard<SaleCancelled>(e => e.Sku, SaleDashboardProjection.Apply);
        return services;
    }

    private static TopicSubscription ProjectOrder<TEvent>(
        this TopicSubscription subscription, Func<TEvent, string> orderIdOf, Func<OrderView?, TEvent, OrderView?> apply)
        where TEvent : IIntegrationEvent =>
        subscription.On<TEvent>(services => new OrderViewHandler<TEvent>(
            services.GetRequiredService<OrderViewProjector>(), services.GetRequiredService<ProjectionLag>(), orderIdOf, apply));

    private static TopicSubscription ProjectDashboard<TEvent>(
        this TopicSubscription subscription, Func<TEvent, string> skuOf, Func<SaleDashboard?, TEvent, SaleDashboard?> apply)
        where TEvent : IIntegrationEvent =>
        subscription.On<TEvent>(services => new SaleDashboardHandler<TEvent>(
            services.GetRequiredService<SaleDashboardProjector>(), services.GetRequiredService<ProjectionLag>(), skuOf, apply));
}

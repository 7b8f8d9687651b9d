using FlashSale.Contracts.Catalog;
using FlashSale.Contracts.Inventory;
using FlashSale.Contracts.Orders;
using FlashSale.Contracts.Payments;
using FlashSale.OrderQuery.Domain;
using FlashSale.ServiceDefaults.Messaging;

namespace FlashSale.OrderQuery.Projections;

/// <summary>Every event about one order, applied to its view (and what the view feeds).</summary>
public sealed class OrderViewHandlers(OrderViewProjector projector) :
    IEventHandler<OrderPlaced>, IEventHandler<OrderConfirmed>, IEventHandler<OrderCancelled>, IEventHandler<RefundRequested>,
    IEventHandler<PaymentSucceeded>, IEventHandler<PaymentFailed>, IEventHandler<PaymentRefunded>,
    IEventHandler<ReservationExpired>
{
    public Task<EventOutcome> HandleAsync(OrderPlaced e, EventContext context, CancellationToken cancellationToken) =>
        projector.ProjectAsync(e.OrderId, view => OrderProjection.Apply(view, e), cancellationToken);

    public Task<EventOutcome> HandleAsync(OrderConfirmed e, EventContext context, CancellationToken cancellationToken) =>
        projector.ProjectAsync(e.OrderId, view => OrderProjection.Apply(view, e), cancellationToken);

    public Task<EventOutcome> HandleAsync(OrderCancelled e, EventContext context, CancellationToken cancellationToken) =>
        projector.ProjectAsync(e.OrderId, view => OrderProjection.Apply(view, e), cancellationToken);

    public Task<EventOutcome> HandleAsync(RefundRequested e, EventContext context, CancellationToken cancellationToken) =>
        projector.ProjectAsync(e.OrderId, view => OrderProjection.Apply(view, e), cancellationToken);

    public Task<EventOutcome> HandleAsync(PaymentSucceeded e, EventContext context, CancellationToken cancellationToken) =>
        projector.ProjectAsync(e.OrderId, view => OrderProjection.Apply(view, e), cancellationToken);

    public Task<EventOutcome> HandleAsync(PaymentFailed e, EventContext context, CancellationToken cancellationToken) =>
        projector.ProjectAsync(e.OrderId, view => OrderProjection.Apply(view, e), cancellationToken);

    public Task<EventOutcome> HandleAsync(PaymentRefunded e, EventContext context, CancellationToken cancellationToken) =>
        projector.ProjectAsync(e.OrderId, view => OrderProjection.Apply(view, e), cancellationToken);

    public Task<EventOutcome> HandleAsync(ReservationExpired e, EventContext context, CancellationToken cancellationToken) =>
        projector.ProjectAsync(e.OrderId, view => OrderProjection.Apply(view, e), cancellationToken);
}

/// <summary>Every catalog and stock event about one SKU, applied to its dashboard.</summary>
public sealed class SaleDashboardHandlers(SaleDashboardProjector projector) :
    IEventHandler<ProductUpdated>, IEventHandler<ProductDeleted>, IEventHandler<SaleScheduled>, IEventHandler<SaleCancelled>,
    IEventHandler<StockChanged>, IEventHandler<SoldOut>
{
    public Task<EventOutcome> HandleAsync(ProductUpdated e, EventContext context, CancellationToken cancellationToken) =>
        projector.ProjectAsync(e.Sku, dashboard => SaleDashboardProjection.Apply(dashboard, e), cancellationToken);

    public Task<EventOutcome> HandleAsync(ProductDeleted e, EventContext context, CancellationToken cancellationToken) =>
        projector.ProjectAsync(e.Sku, dashboard => SaleDashboardProjection.Apply(dashboard, e), cancellationToken);

    public Task<EventOutcome> HandleAsync(SaleScheduled e, EventContext context, CancellationToken cancellationToken) =>
        projector.ProjectAsync(e.Sku, dashboard => SaleDashboardProjection.Apply(dashboard, e), cancellationToken);

    public Task<EventOutcome> HandleAsync(SaleCancelled e, EventContext context, CancellationToken cancellationToken) =>
        projector.ProjectAsync(e.Sku, dashboard => SaleDashboardProjection.Apply(dashboard, e), cancellationToken);

    public Task<EventOutcome> HandleAsync(StockChanged e, EventContext context, CancellationToken cancellationToken) =>
        projector.ProjectAsync(e.Sku, dashboard => SaleDashboardProjection.Apply(dashboard, e), cancellationToken);

    public Task<EventOutcome> HandleAsync(SoldOut e, EventContext context, CancellationToken cancellationToken) =>
        projector.ProjectAsync(e.Sku, dashboard => SaleDashboardProjection.Apply(dashboard, e), cancellationToken);
}

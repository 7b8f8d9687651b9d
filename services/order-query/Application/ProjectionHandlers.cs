using FlashSale.Contracts;
using FlashSale.Messaging;
using FlashSale.OrderQuery.Domain;

namespace FlashSale.OrderQuery.Application;

/// <summary>Applies one event type to the view of the order it is about (and what that view feeds).</summary>
public sealed class OrderViewHandler<TEvent>(OrderViewProjector projector, Func<TEvent, string> orderIdOf, Func<OrderView?, TEvent, OrderView?> apply)
    : IEventHandler<TEvent> where TEvent : IIntegrationEvent
{
    public Task<EventOutcome> HandleAsync(TEvent integrationEvent, EventContext context, CancellationToken cancellationToken) =>
        projector.ProjectAsync(orderIdOf(integrationEvent), view => apply(view, integrationEvent), cancellationToken);
}

/// <summary>Applies one catalog or stock event type to the dashboard of the SKU it is about.</summary>
public sealed class SaleDashboardHandler<TEvent>(SaleDashboardProjector projector, Func<TEvent, string> skuOf, Func<SaleDashboard?, TEvent, SaleDashboard?> apply)
    : IEventHandler<TEvent> where TEvent : IIntegrationEvent
{
    public Task<EventOutcome> HandleAsync(TEvent integrationEvent, EventContext context, CancellationToken cancellationToken) =>
        projector.ProjectAsync(skuOf(integrationEvent), dashboard => apply(dashboard, integrationEvent), cancellationToken);
}

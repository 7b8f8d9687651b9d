using FlashSale.Contracts;
using FlashSale.Messaging;
using FlashSale.OrderQuery.Domain;
using FlashSale.OrderQuery.Infrastructure;

namespace FlashSale.OrderQuery.Application;

/// <summary>Applies one event type to the view of the order it is about (and what that view feeds).</summary>
public sealed class OrderViewHandler<TEvent>(
    OrderViewProjector projector, ProjectionLag lag, Func<TEvent, string> orderIdOf, Func<OrderView?, TEvent, OrderView?> apply)
    : IEventHandler<TEvent> where TEvent : IIntegrationEvent
{
    public Task<EventOutcome> HandleAsync(TEvent integrationEvent, EventContext context, CancellationToken cancellationToken) =>
        lag.MeasureAsync(context, projector.ProjectAsync(orderIdOf(integrationEvent), view => apply(view, integrationEvent), cancellationToken));
}

/// <summary>Applies one catalog or stock event type to the dashboard of the SKU it is about.</summary>
public sealed class SaleDashboardHandler<TEvent>(
    SaleDashboardProjector projector, ProjectionLag lag, Func<TEvent, string> skuOf, Func<SaleDashboard?, TEvent, SaleDashboard?> apply)
    : IEventHandler<TEvent> where TEvent : IIntegrationEvent
{
    public Task<EventOutcome> HandleAsync(TEvent integrationEvent, EventContext context, CancellationToken cancellationToken) =>
        lag.MeasureAsync(context, projector.ProjectAsync(skuOf(integrationEvent), dashboard => apply(dashboard, integrationEvent), cancellationToken));
}

/// <summary>Records, once a projection has updated its view, how long after the event's publication that was.</summary>
public sealed class ProjectionLag(OrderQueryMetrics metrics, TimeProvider clock)
{
    public async Task<EventOutcome> MeasureAsync(EventContext context, Task<EventOutcome> projection)
    {
        var outcome = await projection;
        if (outcome == EventOutcome.Success && context.Time is { } publishedAt)
        {
            metrics.Projected(context.Type, publishedAt, clock.GetUtcNow());
        }

        return outcome;
    }
}

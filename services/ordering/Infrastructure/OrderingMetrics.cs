using System.Diagnostics.Metrics;
using FlashSale.Contracts;
using FlashSale.Contracts.Orders;
using FlashSale.Ordering.Domain;

namespace FlashSale.Ordering.Infrastructure;

/// <summary>
/// The order flow as operators watch it (services/metrics.json declares the names): placements and their refusals,
/// how long placing takes, how orders settle and how long after placing, and the outbox's unpublished events.
/// </summary>
internal sealed class OrderingMetrics
{
    public const string MeterName = "FlashSale.Ordering";

    private readonly Counter<long> _placed;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _confirmed;
    private readonly Counter<long> _cancelled;
    private readonly Histogram<double> _placementDuration;
    private readonly Histogram<double> _settleDuration;
    private Func<int> _outboxBacklog = () => 0;

    public OrderingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _placed = meter.CreateCounter<long>("flashsale.orders.placed", "{order}", "Orders saved by a placement");
        _refused = meter.CreateCounter<long>("flashsale.orders.refused", "{order}", "Placements refused for good, by cause");
        _confirmed = meter.CreateCounter<long>("flashsale.orders.confirmed", "{order}", "Orders paid and their units sold");
        _cancelled = meter.CreateCounter<long>("flashsale.orders.cancelled", "{order}", "Orders cancelled, by reason");
        _placementDuration = meter.CreateHistogram<double>("flashsale.order.placement.duration", "s", "Time to answer a placement, by outcome");
        _settleDuration = meter.CreateHistogram<double>("flashsale.order.settle.duration", "s", "Time from placing an order to its confirmation or cancellation");
        meter.CreateObservableGauge("flashsale.outbox.backlog", () => _outboxBacklog(), "{event}",
            "Order events committed but not yet published by this process's outbox");
    }

    /// <summary>Where the backlog gauge reads from (the outbox, resolved when first observed).</summary>
    public void ObserveOutboxBacklog(Func<int> pending) => _outboxBacklog = pending;

    public void PlacementAnswered(string outcome, TimeSpan duration) =>
        _placementDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("flashsale.placement.outcome", outcome));

    public void Refused(RefusalReason reason) =>
        _refused.Add(1, new KeyValuePair<string, object?>("flashsale.refusal.cause", reason switch
        {
            RefusalReason.SoldOut => "sold_out",
            RefusalReason.CustomerLimit => "limit",
            RefusalReason.UnknownSku => "unknown_sku",
            _ => "mixed_currencies",
        }));

    /// <summary>Counts what a committed save announced: a placement, a confirmation or a cancellation.</summary>
    public void Committed(Order order, IReadOnlyList<IIntegrationEvent> events)
    {
        foreach (var integrationEvent in events)
        {
            switch (integrationEvent)
            {
                case OrderPlaced:
                    _placed.Add(1);
                    break;
                case OrderConfirmed confirmed:
                    _confirmed.Add(1);
                    _settleDuration.Record((confirmed.OccurredAt - order.PlacedAt).TotalSeconds,
                        new KeyValuePair<string, object?>("flashsale.order.status", "confirmed"));
                    break;
                case OrderCancelled cancelled:
                    _cancelled.Add(1, new KeyValuePair<string, object?>("flashsale.cancel.reason", CancellationReasons.CodeOf(cancelled.Reason)));
                    _settleDuration.Record((cancelled.OccurredAt - order.PlacedAt).TotalSeconds,
                        new KeyValuePair<string, object?>("flashsale.order.status", "cancelled"));
                    break;
            }
        }
    }
}

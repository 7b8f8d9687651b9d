using System.Diagnostics.Metrics;

namespace FlashSale.OrderQuery.Infrastructure;

/// <summary>How far the read side trails the write side: an event's CloudEvent time to its view update (services/metrics.json).</summary>
public sealed class OrderQueryMetrics
{
    public const string MeterName = "FlashSale.OrderQuery";

    private readonly Histogram<double> _projectionLag;

    public OrderQueryMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _projectionLag = meter.CreateHistogram<double>("flashsale.projection.lag", "s", "Time from an event's publication to the view update it caused, by event type");
    }

    public void Projected(string eventType, DateTimeOffset publishedAt, DateTimeOffset now) =>
        _projectionLag.Record(Math.Max(0, (now - publishedAt).TotalSeconds), new KeyValuePair<string, object?>("cloudevents.event_type", eventType));
}

using System.Diagnostics.Metrics;

namespace FlashSale.Messaging;

/// <summary>
/// What every subscriber answers its sidecar, per topic and CloudEvent type (services/metrics.json declares the names):
/// handled, retried (Dapr redelivers) and dropped (Dapr dead-letters).
/// </summary>
public sealed class EventMetrics
{
    public const string MeterName = "FlashSale.Messaging";

    private readonly Counter<long> _handled;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _dropped;

    public EventMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _handled = meter.CreateCounter<long>("flashsale.events.handled", "{event}", "Events a subscriber processed (duplicates included)");
        _retried = meter.CreateCounter<long>("flashsale.events.retried", "{event}", "Deliveries a subscriber asked Dapr to redeliver");
        _dropped = meter.CreateCounter<long>("flashsale.events.dropped", "{event}", "Deliveries a subscriber refused for good (dead-lettered)");
    }

    public void Answered(string topic, string type, EventOutcome outcome)
    {
        var counter = outcome switch
        {
            EventOutcome.Success => _handled,
            EventOutcome.Retry => _retried,
            _ => _dropped,
        };
        counter.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", topic), new KeyValuePair<string, object?>("cloudevents.event_type", type));
    }
}

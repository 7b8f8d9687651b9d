using Dapr;
using Dapr.Client;
using FlashSale.Contracts;

namespace FlashSale.Messaging;

/// <summary>Publishes integration events through the Dapr pub/sub component.</summary>
public interface IEventPublisher
{
    /// <exception cref="EventPublishException">The sidecar did not accept the event.</exception>
    Task PublishAsync<TEvent>(TEvent integrationEvent, CancellationToken cancellationToken) where TEvent : IIntegrationEvent;

    /// <summary>Publishes an event kept serialized (e.g. in an outbox) exactly as the typed overload would have.</summary>
    /// <exception cref="EventPublishException">The sidecar did not accept the event.</exception>
    Task PublishAsync(SerializedEvent serialized, CancellationToken cancellationToken);
}

/// <summary>An integration event as JSON with what its publishing needs: topic, CloudEvent type and partition key.</summary>
public sealed record SerializedEvent(string Topic, string Type, string PartitionKey, byte[] Data)
{
    public static SerializedEvent Of(IIntegrationEvent integrationEvent)
    {
        var contract = CloudEventTypes.Of(integrationEvent.GetType());
        return new(contract.Topic, contract.Type, integrationEvent.PartitionKey,
            System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(integrationEvent, integrationEvent.GetType(), EventJson.Options));
    }
}

/// <summary>The event was not published (sidecar or broker unavailable); the caller decides whether to retry or keep it.</summary>
public sealed class EventPublishException(string eventType, Exception innerException)
    : Exception($"Publishing {eventType} failed", innerException);

/// <summary>
/// Sets the CloudEvent <c>type</c> from the contract and the Kafka message key (<c>partitionKey</c>) from the event, so a
/// subscriber routes by type and sees one aggregate's events in order.
/// </summary>
public sealed class DaprEventPublisher(DaprClient dapr) : IEventPublisher
{
    public async Task PublishAsync<TEvent>(TEvent integrationEvent, CancellationToken cancellationToken) where TEvent : IIntegrationEvent
    {
        var contract = CloudEventTypes.Of<TEvent>();
        try
        {
            await dapr.PublishEventAsync(PubSub.Name, contract.Topic, integrationEvent, EventMetadata.For(integrationEvent), cancellationToken);
        }
        catch (DaprException ex)
        {
            throw new EventPublishException(contract.Type, ex);
        }
    }

    public async Task PublishAsync(SerializedEvent serialized, CancellationToken cancellationToken)
    {
        try
        {
            await dapr.PublishByteEventAsync(PubSub.Name, serialized.Topic, serialized.Data, "application/json",
                EventMetadata.For(serialized.Type, serialized.PartitionKey), cancellationToken);
        }
        catch (DaprException ex)
        {
            throw new EventPublishException(serialized.Type, ex);
        }
    }
}

/// <summary>Publish metadata understood by Dapr: CloudEvent attribute overrides and the broker's partition key.</summary>
public static class EventMetadata
{
    public const string PartitionKey = "partitionKey";
    public const string CloudEventType = "cloudevent.type";

    public static Dictionary<string, string> For<TEvent>(TEvent integrationEvent) where TEvent : IIntegrationEvent =>
        For(CloudEventTypes.Of<TEvent>().Type, integrationEvent.PartitionKey);

    public static Dictionary<string, string> For(string cloudEventType, string partitionKey) => new()
    {
        [CloudEventType] = cloudEventType,
        [PartitionKey] = partitionKey,
    };
}

namespace FlashSale.Contracts;

/// <summary>Names shared by publishers and subscribers; a typo here would be a silent lost message.</summary>
public static class PubSub
{
    /// <summary>The Dapr pub/sub component (Kafka in a cluster).</summary>
    public const string Name = "pubsub";

    /// <summary>Where Dapr sends what a subscriber drops or cannot process after its retries.</summary>
    public static string DeadLetterTopic(string topic) => $"{topic}.deadletter";
}

public static class Topics
{
    public const string Catalog = "catalog";
    public const string Inventory = "inventory";
    public const string Orders = "orders";
    public const string Payments = "payments";
}

/// <summary>
/// The CloudEvent <c>type</c> of an integration event, e.g. <c>flashsale.order.placed.v1</c>. The version suffix lets a
/// subscriber route, and refuse, by contract version instead of guessing from the payload.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CloudEventTypeAttribute(string type, string topic) : Attribute
{
    public string Type { get; } = type;
    public string Topic { get; } = topic;
}

/// <summary>Every event that crosses a service boundary. <see cref="PartitionKey"/> keeps one aggregate's events in order.</summary>
public interface IIntegrationEvent
{
    string PartitionKey { get; }
}

public static class CloudEventTypes
{
    public static CloudEventTypeAttribute Of<TEvent>() where TEvent : IIntegrationEvent => Of(typeof(TEvent));

    public static CloudEventTypeAttribute Of(Type eventType) =>
        eventType.GetCustomAttributes(typeof(CloudEventTypeAttribute), inherit: false) is [CloudEventTypeAttribute attribute]
            ? attribute
            : throw new InvalidOperationException($"{eventType.Name} has no [CloudEventType]");
}

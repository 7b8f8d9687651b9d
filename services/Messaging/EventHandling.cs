using FlashSale.Contracts;

namespace FlashSale.Messaging;

/// <summary>What the app tells the Dapr sidecar about one delivered message.</summary>
public enum EventOutcome
{
    /// <summary>Processed, or already processed before (duplicates are acknowledged).</summary>
    Success,

    /// <summary>A transient problem; Dapr redelivers with backoff.</summary>
    Retry,

    /// <summary>Can never succeed; Dapr sends it to the subscription's dead-letter topic.</summary>
    Drop,
}

/// <summary>The CloudEvent attributes a handler may need beside the payload; <paramref name="Time"/> is when it was published.</summary>
public sealed record EventContext(string Id, string Type, string Source, DateTimeOffset? Time = null);

/// <summary>Handles one integration event type; resolved per delivery (registered by <see cref="TopicSubscription.On{TEvent, THandler}"/>).</summary>
public interface IEventHandler<in TEvent> where TEvent : IIntegrationEvent
{
    Task<EventOutcome> HandleAsync(TEvent integrationEvent, EventContext context, CancellationToken cancellationToken);
}

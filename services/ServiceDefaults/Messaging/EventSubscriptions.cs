using System.Text.Json;
using Dapr;
using FlashSale.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlashSale.ServiceDefaults.Messaging;

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

/// <summary>The CloudEvent attributes a handler may need beside the payload.</summary>
public sealed record EventContext(string Id, string Type, string Source);

/// <summary>Handles one integration event type; registered in DI, resolved per delivery.</summary>
public interface IEventHandler<in TEvent> where TEvent : IIntegrationEvent
{
    Task<EventOutcome> HandleAsync(TEvent integrationEvent, EventContext context, CancellationToken cancellationToken);
}

/// <summary>
/// Maps one topic's subscription: a route per CloudEvent type (Dapr routing rules on <c>event.type</c>), a default
/// route that drops unknown types, and the dead-letter topic. Bad payloads never throw out of here: a message that can
/// never be processed is answered DROP with a warning that says why, so it cannot block its Kafka partition.
/// </summary>
public sealed class TopicSubscription
{
    private readonly IEndpointRouteBuilder _endpoints;
    private readonly string _topic;
    private readonly string _routePrefix;
    private int _priority;

    internal TopicSubscription(IEndpointRouteBuilder endpoints, string topic)
    {
        _endpoints = endpoints;
        _topic = topic;
        _routePrefix = $"/events/{topic}";
        _endpoints.MapPost(_routePrefix, DropUnknownType)
            .WithTopic(Options(match: null, priority: 0))
            .ExcludeFromDescription();
    }

    /// <summary>Routes <typeparamref name="TEvent"/> (by its CloudEvent type) to its registered handler.</summary>
    public TopicSubscription On<TEvent>() where TEvent : IIntegrationEvent => Route<TEvent>(Deliver<TEvent>);

    /// <summary>
    /// Acknowledges <typeparamref name="TEvent"/> without handling it: a type this service knows but has no use for.
    /// Left to the default route it would count as unknown and be dropped to the dead-letter topic, burying real
    /// problems (a new contract version nobody handles) under routine traffic.
    /// </summary>
    public TopicSubscription Ignore<TEvent>() where TEvent : IIntegrationEvent => Route<TEvent>(Acknowledge);

    private TopicSubscription Route<TEvent>(Delegate handler) where TEvent : IIntegrationEvent
    {
        var contract = CloudEventTypes.Of<TEvent>();
        if (contract.Topic != _topic)
        {
            throw new InvalidOperationException($"{typeof(TEvent).Name} is published on '{contract.Topic}', not '{_topic}'");
        }

        _priority++;
        _endpoints.MapPost($"{_routePrefix}/{contract.Type}", handler)
            .WithTopic(Options($"event.type == \"{contract.Type}\"", _priority))
            .ExcludeFromDescription();
        return this;
    }

    private TopicOptions Options(string? match, int priority) => new()
    {
        PubsubName = PubSub.Name,
        Name = _topic,
        Match = match,
        Priority = priority,
        DeadLetterTopic = PubSub.DeadLetterTopic(_topic),
    };

    private static async Task<IResult> Deliver<TEvent>(HttpContext http, IEventHandler<TEvent> handler, ILoggerFactory loggers)
        where TEvent : IIntegrationEvent
    {
        var logger = loggers.CreateLogger<TopicSubscription>();
        var envelope = await CloudEventEnvelope.ReadAsync(http.Request, http.RequestAborted);
        if (envelope.Error is not null)
        {
            return Answer(EventOutcome.Drop, logger, envelope, envelope.Error);
        }

        TEvent? integrationEvent;
        try
        {
            integrationEvent = envelope.Data!.Value.Deserialize<TEvent>(EventJson.Options);
        }
        catch (JsonException ex)
        {
            return Answer(EventOutcome.Drop, logger, envelope, $"payload does not match {typeof(TEvent).Name}: {ex.Message}");
        }

        if (integrationEvent is null)
        {
            return Answer(EventOutcome.Drop, logger, envelope, "payload is null");
        }

        try
        {
            var outcome = await handler.HandleAsync(integrationEvent, envelope.Context, http.RequestAborted);
            return Answer(outcome, logger, envelope, outcome == EventOutcome.Drop ? "the handler refused it" : null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A transient failure (store, network): let Dapr retry; its resiliency policy bounds the retries and then
            // the message goes to the dead-letter topic.
            logger.LogError(ex, "Handling {EventType} {EventId} failed; asking Dapr to retry", envelope.Context.Type, envelope.Context.Id);
            return DaprAnswer(EventOutcome.Retry);
        }
    }

    private static IResult Acknowledge() => DaprAnswer(EventOutcome.Success);

    private static async Task<IResult> DropUnknownType(HttpContext http, ILoggerFactory loggers)
    {
        var envelope = await CloudEventEnvelope.ReadAsync(http.Request, http.RequestAborted);
        return Answer(EventOutcome.Drop, loggers.CreateLogger<TopicSubscription>(), envelope,
            envelope.Error ?? $"unknown event type '{envelope.Context.Type}'");
    }

    private static IResult Answer(EventOutcome outcome, ILogger logger, CloudEventEnvelope envelope, string? dropReason)
    {
        if (outcome == EventOutcome.Drop)
        {
            logger.LogWarning("Dropping message {EventId} of type {EventType} from {Source} to the dead-letter topic: {Reason}",
                envelope.Context.Id, envelope.Context.Type, envelope.Context.Source, dropReason);
        }

        return DaprAnswer(outcome);
    }

    private static IResult DaprAnswer(EventOutcome outcome) => Results.Json(new
    {
        status = outcome switch
        {
            EventOutcome.Success => "SUCCESS",
            EventOutcome.Retry => "RETRY",
            _ => "DROP",
        },
    });
}

public static class EventSubscriptionExtensions
{
    /// <summary>Starts the subscription to <paramref name="topic"/> on the Dapr pub/sub component.</summary>
    public static TopicSubscription MapTopicSubscription(this IEndpointRouteBuilder endpoints, string topic) => new(endpoints, topic);

    /// <summary>Registers a handler for one event type.</summary>
    public static IServiceCollection AddEventHandler<TEvent, THandler>(this IServiceCollection services)
        where TEvent : IIntegrationEvent
        where THandler : class, IEventHandler<TEvent> =>
        services.AddScoped<IEventHandler<TEvent>, THandler>();

    /// <summary>The Dapr publisher for integration events.</summary>
    public static IServiceCollection AddEventPublisher(this IServiceCollection services) =>
        services.AddSingleton<IEventPublisher, DaprEventPublisher>();
}

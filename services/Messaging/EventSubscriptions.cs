using Dapr;
using FlashSale.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlashSale.Messaging;

/// <summary>
/// One topic's subscription, declared once: each event type is routed and its handler registered in the same call, so
/// a route can never lose its handler. <see cref="EventSubscriptionExtensions.MapEventSubscriptions"/> turns the
/// declarations into Dapr routing rules on <c>event.type</c>, a default route that drops unknown types, the dead-letter
/// topic and <c>GET /dapr/subscribe</c>.
/// </summary>
public sealed class TopicSubscription
{
    private readonly IServiceCollection _services;
    private readonly EventSubscriptionRegistry _registry;
    private readonly List<EventRoute> _routes = [];

    internal TopicSubscription(IServiceCollection services, EventSubscriptionRegistry registry, string topic)
    {
        _services = services;
        _registry = registry;
        Topic = topic;
    }

    public string Topic { get; }

    internal IReadOnlyList<EventRoute> Routes => _routes;

    /// <summary>Routes <typeparamref name="TEvent"/> (by its CloudEvent type) to <typeparamref name="THandler"/>, resolved per delivery.</summary>
    public TopicSubscription On<TEvent, THandler>()
        where TEvent : IIntegrationEvent
        where THandler : class, IEventHandler<TEvent>
    {
        Route<TEvent>(handled: true);
        _services.AddScoped<IEventHandler<TEvent>, THandler>();
        return this;
    }

    /// <summary>Routes <typeparamref name="TEvent"/> to the handler <paramref name="createHandler"/> builds per delivery.</summary>
    public TopicSubscription On<TEvent>(Func<IServiceProvider, IEventHandler<TEvent>> createHandler) where TEvent : IIntegrationEvent
    {
        Route<TEvent>(handled: true);
        _services.AddScoped(createHandler);
        return this;
    }

    /// <summary>
    /// Acknowledges <typeparamref name="TEvent"/> without handling it: a type this service knows but has no use for.
    /// Left to the default route it would count as unknown and be dropped to the dead-letter topic, burying real
    /// problems (a new contract version nobody handles) under routine traffic.
    /// </summary>
    public TopicSubscription Ignore<TEvent>() where TEvent : IIntegrationEvent
    {
        Route<TEvent>(handled: false);
        return this;
    }

    private void Route<TEvent>(bool handled) where TEvent : IIntegrationEvent
    {
        var contract = CloudEventTypes.Of<TEvent>();
        if (contract.Topic != Topic)
        {
            throw new InvalidOperationException($"{typeof(TEvent).Name} is published on '{contract.Topic}', not '{Topic}'");
        }

        _registry.Claim(typeof(TEvent));
        _routes.Add(handled
            ? new EventRoute(typeof(TEvent), contract.Type, EventDelivery.Deliver<TEvent>, typeof(IEventHandler<TEvent>))
            : new EventRoute(typeof(TEvent), contract.Type, EventDelivery.Acknowledge, Handler: null));
    }
}

/// <summary>One routing rule: the event type, its CloudEvent type, the endpoint and the handler it needs (if any).</summary>
internal sealed record EventRoute(Type EventType, string CloudEventType, Delegate Endpoint, Type? Handler);

/// <summary>Every subscription of the app, kept in DI between declaration and mapping.</summary>
internal sealed class EventSubscriptionRegistry
{
    private readonly HashSet<Type> _eventTypes = [];

    public List<TopicSubscription> Topics { get; } = [];

    public void Claim(Type eventType)
    {
        if (!_eventTypes.Add(eventType))
        {
            throw new InvalidOperationException($"{eventType.Name} is routed twice; declare each event type once");
        }
    }
}

public static class EventSubscriptionExtensions
{
    /// <summary>Declares the subscription to <paramref name="topic"/> on the Dapr pub/sub component; add its event types with <c>On</c> and <c>Ignore</c>.</summary>
    public static TopicSubscription AddTopicSubscription(this IServiceCollection services, string topic)
    {
        var registry = RegistryOf(services);
        services.TryAddSingleton<EventMetrics>();
        if (registry.Topics.Any(subscription => subscription.Topic == topic))
        {
            throw new InvalidOperationException($"The subscription to '{topic}' is declared twice; declare each topic once");
        }

        var subscription = new TopicSubscription(services, registry, topic);
        registry.Topics.Add(subscription);
        return subscription;
    }

    /// <summary>
    /// Maps every declared subscription and <c>GET /dapr/subscribe</c>. Fails at start-up, naming the event type, if a
    /// routed type has no handler in DI (e.g. a test replaced the service collection).
    /// </summary>
    public static WebApplication MapEventSubscriptions(this WebApplication app)
    {
        var registry = app.Services.GetService<EventSubscriptionRegistry>() ?? new EventSubscriptionRegistry();
        var registered = app.Services.GetRequiredService<IServiceProviderIsService>();
        foreach (var subscription in registry.Topics)
        {
            MapTopic(app, subscription, registered);
        }

        app.MapSubscribeHandler();
        return app;
    }

    /// <summary>The Dapr publisher for integration events.</summary>
    public static IServiceCollection AddEventPublisher(this IServiceCollection services) =>
        services.AddSingleton<IEventPublisher, DaprEventPublisher>();

    private static void MapTopic(IEndpointRouteBuilder endpoints, TopicSubscription subscription, IServiceProviderIsService registered)
    {
        var prefix = $"/events/{subscription.Topic}";
        endpoints.MapPost(prefix, EventDelivery.DropUnknownType)
            .WithTopic(Options(subscription.Topic, match: null, priority: 0))
            .ExcludeFromDescription();

        var priority = 0;
        foreach (var route in subscription.Routes)
        {
            if (route.Handler is { } handler && !registered.IsService(handler))
            {
                throw new InvalidOperationException(
                    $"The subscription to '{subscription.Topic}' routes {route.EventType.Name} ({route.CloudEventType}) but no " +
                    $"IEventHandler<{route.EventType.Name}> is registered");
            }

            endpoints.MapPost($"{prefix}/{route.CloudEventType}", route.Endpoint)
                .WithTopic(Options(subscription.Topic, $"event.type == \"{route.CloudEventType}\"", ++priority))
                .ExcludeFromDescription();
        }
    }

    private static TopicOptions Options(string topic, string? match, int priority) => new()
    {
        PubsubName = PubSub.Name,
        Name = topic,
        Match = match,
        Priority = priority,
        DeadLetterTopic = PubSub.DeadLetterTopic(topic),
    };

    private static EventSubscriptionRegistry RegistryOf(IServiceCollection services)
    {
        if (services.FirstOrDefault(descriptor => descriptor.ServiceType == typeof(EventSubscriptionRegistry))?.ImplementationInstance
            is EventSubscriptionRegistry existing)
        {
            return existing;
        }

        var registry = new EventSubscriptionRegistry();
        services.AddSingleton(registry);
        return registry;
    }
}

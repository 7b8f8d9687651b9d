using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlashSale.Contracts;
using FlashSale.Messaging;

namespace FlashSale.TestSupport;

/// <summary>
/// Delivers events to an app the way its Dapr sidecar does: reads the app's <c>GET /dapr/subscribe</c>, picks the
/// route from the topic's routing rules (<c>event.type == "…"</c>, else the default route), POSTs a CloudEvent envelope
/// as <c>application/cloudevents+json</c> and interprets the answer as Dapr would. A missing subscription or an
/// unsupported rule fails the test instead of silently posting somewhere.
/// </summary>
public sealed partial class CloudEventPoster(HttpClient app)
{
    public const string ContentType = "application/cloudevents+json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private IReadOnlyList<DaprSubscription>? _subscriptions;

    /// <summary>Delivers <paramref name="integrationEvent"/> on its contract's topic with its contract's CloudEvent type.</summary>
    public Task<Delivery> DeliverAsync(IIntegrationEvent integrationEvent, string? eventId = null, string source = "test",
        CancellationToken cancellationToken = default)
    {
        var eventType = integrationEvent.GetType();
        var contract = CloudEventTypes.Of(eventType);
        return DeliverAsync(contract.Topic, contract.Type, JsonSerializer.SerializeToNode(integrationEvent, eventType, Json)!, eventId,
            source, cancellationToken);
    }

    /// <summary>
    /// Delivers <paramref name="integrationEvent"/> and, while the app answers RETRY, redelivers the same CloudEvent as
    /// Dapr's retry policy would, until the app settles it (SUCCESS or DROP) or <paramref name="timeout"/> (5 s) passes.
    /// </summary>
    public async Task<Delivery> DeliverUntilSettledAsync(IIntegrationEvent integrationEvent, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var eventId = Guid.NewGuid().ToString();
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            var delivery = await DeliverAsync(integrationEvent, eventId, cancellationToken: cancellationToken);
            if (delivery.Outcome != EventOutcome.Retry || DateTimeOffset.UtcNow > deadline)
            {
                return delivery;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    /// <summary>Delivers a message another app published (e.g. taken from <see cref="InMemoryDapr.Published"/>).</summary>
    public Task<Delivery> DeliverAsync(PublishedMessage message, CancellationToken cancellationToken = default) =>
        DeliverAsync(message.Topic, message.CloudEventType ?? throw new ArgumentException("the message has no cloudevent.type"),
            JsonNode.Parse(message.Data)!, eventId: null, message.AppId, cancellationToken);

    /// <summary>Delivers any CloudEvent type with any JSON data, e.g. an unknown type or a payload that breaks the contract.</summary>
    public async Task<Delivery> DeliverAsync(string topic, string type, JsonNode data, string? eventId = null, string source = "test",
        CancellationToken cancellationToken = default)
    {
        var route = RouteFor(await SubscriptionAsync(topic, cancellationToken), type);
        var envelope = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = eventId ?? Guid.NewGuid().ToString(),
            ["source"] = source,
            ["type"] = type,
            ["datacontenttype"] = "application/json",
            ["topic"] = topic,
            ["pubsubname"] = PubSub.Name,
            ["time"] = DateTimeOffset.UtcNow.ToString("O"),
            ["data"] = data.DeepClone(),
        };
        return await PostAsync(route, envelope.ToJsonString(), ContentType, cancellationToken);
    }

    /// <summary>
    /// Posts an arbitrary body to the topic's default route, or to the route the sidecar would choose for the CloudEvent
    /// type <paramref name="routeOf"/>, e.g. to check that a non-JSON message is dropped.
    /// </summary>
    public async Task<Delivery> PostRawAsync(string topic, string body, string contentType = ContentType, string? routeOf = null,
        CancellationToken cancellationToken = default)
    {
        var subscription = await SubscriptionAsync(topic, cancellationToken);
        return await PostAsync(routeOf is null ? subscription.DefaultRoute : RouteFor(subscription, routeOf), body, contentType, cancellationToken);
    }

    /// <summary>The app's subscriptions as the sidecar reads them at start-up.</summary>
    public async Task<IReadOnlyList<DaprSubscription>> SubscriptionsAsync(CancellationToken cancellationToken = default) =>
        _subscriptions ??= (await app.GetFromJsonAsync<List<DaprSubscription>>("/dapr/subscribe", Json, cancellationToken))
            ?? throw new InvalidOperationException("GET /dapr/subscribe returned nothing");

    private async Task<DaprSubscription> SubscriptionAsync(string topic, CancellationToken cancellationToken) =>
        (await SubscriptionsAsync(cancellationToken)).SingleOrDefault(s => s.PubsubName == PubSub.Name && s.Topic == topic)
            ?? throw new InvalidOperationException($"the app does not subscribe to '{topic}' on '{PubSub.Name}'");

    private static string RouteFor(DaprSubscription subscription, string type)
    {
        foreach (var rule in subscription.Routes?.Rules ?? [])
        {
            var match = TypeRule().Match(rule.Match);
            if (!match.Success)
            {
                throw new NotSupportedException($"routing rule '{rule.Match}' is not of the form event.type == \"…\"");
            }

            if (match.Groups["type"].Value == type)
            {
                return rule.Path;
            }
        }

        return subscription.DefaultRoute;
    }

    private async Task<Delivery> PostAsync(string route, string body, string contentType, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new(contentType);
        using var response = await app.PostAsync(route, content, cancellationToken);
        var answer = await response.Content.ReadAsStringAsync(cancellationToken);
        return new Delivery(route, response.StatusCode, OutcomeOf(response.StatusCode, answer));
    }

    // Dapr's contract for app responses: 2xx with {"status": …} (empty means SUCCESS), 404 drops, any other error retries.
    private static EventOutcome OutcomeOf(HttpStatusCode status, string answer)
    {
        if (status == HttpStatusCode.NotFound)
        {
            return EventOutcome.Drop;
        }

        if ((int)status is < 200 or > 299)
        {
            return EventOutcome.Retry;
        }

        var reported = string.IsNullOrWhiteSpace(answer) ? null : JsonNode.Parse(answer)?["status"]?.GetValue<string>();
        return reported?.ToUpperInvariant() switch
        {
            null or "" or "SUCCESS" => EventOutcome.Success,
            "RETRY" => EventOutcome.Retry,
            "DROP" => EventOutcome.Drop,
            _ => EventOutcome.Retry, // Dapr treats an unrecognised status as an error
        };
    }

    [GeneratedRegex("""^\s*event\.type\s*==\s*"(?<type>[^"]+)"\s*$""")]
    private static partial Regex TypeRule();
}

/// <summary>What the app answered to one delivery, and on which route it was posted.</summary>
public sealed record Delivery(string Route, HttpStatusCode StatusCode, EventOutcome Outcome);

/// <summary>One entry of <c>GET /dapr/subscribe</c> (Dapr's programmatic subscription format).</summary>
public sealed record DaprSubscription(string PubsubName, string Topic, string? Route, DaprRoutes? Routes, string? DeadLetterTopic)
{
    public string DefaultRoute => Routes?.Default ?? Route
        ?? throw new InvalidOperationException($"the subscription to '{Topic}' has no default route");
}

public sealed record DaprRoutes(IReadOnlyList<DaprRoutingRule>? Rules, string? Default);

public sealed record DaprRoutingRule(string Match, string Path);

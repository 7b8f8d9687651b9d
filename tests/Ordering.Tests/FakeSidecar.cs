using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlashSale.Contracts;

namespace FlashSale.Ordering.Tests;

/// <summary>
/// Delivers pub/sub messages the way the Dapr sidecar does: it reads the app's <c>GET /dapr/subscribe</c>, picks the
/// route whose rule matches the CloudEvent's type (else the topic's default route) and POSTs the CloudEvent there.
/// </summary>
public sealed class FakeSidecar(HttpClient app)
{
    private JsonArray? _subscriptions;

    public Task<string> DeliverAsync<TEvent>(TEvent data) where TEvent : IIntegrationEvent
    {
        var contract = CloudEventTypes.Of<TEvent>();
        return DeliverAsync(contract.Topic, contract.Type, CloudEvent(contract.Type, contract.Topic, JsonSerializer.SerializeToNode(data, JsonSerializerOptions.Web)));
    }

    /// <summary>Any body; <paramref name="type"/> only chooses the route, as the sidecar's rule would.</summary>
    public async Task<string> DeliverAsync(string topic, string type, string body)
    {
        var content = new StringContent(body, Encoding.UTF8, "application/cloudevents+json");
        using var response = await app.PostAsync(await RouteAsync(topic, type), content, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
        return answer!["status"]!.GetValue<string>();
    }

    public static string CloudEvent(string type, string topic, JsonNode? data) => new JsonObject
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["source"] = "test",
        ["type"] = type,
        ["specversion"] = "1.0",
        ["datacontenttype"] = "application/json",
        ["topic"] = topic,
        ["pubsubname"] = "pubsub",
        ["data"] = data,
    }.ToJsonString();

    public async Task<JsonArray> SubscriptionsAsync() =>
        _subscriptions ??= (await app.GetFromJsonAsync<JsonArray>("/dapr/subscribe", TestContext.Current.CancellationToken))!;

    private async Task<string> RouteAsync(string topic, string type)
    {
        var subscription = (await SubscriptionsAsync()).Single(s => s!["topic"]!.GetValue<string>() == topic)!;
        var routes = subscription["routes"]!;
        var rule = routes["rules"]!.AsArray().FirstOrDefault(r => r!["match"]!.GetValue<string>() == $"event.type == \"{type}\"");
        return (rule?["path"] ?? routes["default"])!.GetValue<string>();
    }
}

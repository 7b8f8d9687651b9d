using System.Text.Json;

namespace FlashSale.TestSupport.Sidecar;

/// <summary>One rule of a subscription's routes: events matching <see cref="Match"/> go to <see cref="Path"/>.</summary>
public sealed record RouteRule(RouteMatch Match, string Path);

/// <summary>
/// One programmatic subscription an app declared in <c>GET /dapr/subscribe</c>: the topic on a pub/sub component, its
/// routing rules (first match wins), the default route and the dead-letter topic.
/// </summary>
public sealed record Subscription(
    string PubSubName,
    string Topic,
    IReadOnlyList<RouteRule> Rules,
    string? DefaultPath,
    string? DeadLetterTopic,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The path an event goes to, or null when no rule matches and there is no default (daprd then skips it).</summary>
    public string? PathFor(JsonElement cloudEvent) =>
        Rules.FirstOrDefault(rule => rule.Match.Matches(cloudEvent))?.Path ?? DefaultPath;

    /// <summary>
    /// Parses daprd's subscription contract: an array of <c>{pubsubname, topic, route | routes: {rules: [{match, path}],
    /// default}, deadLetterTopic, metadata}</c>. Property names are matched case-insensitively, as Go's JSON decoder does
    /// (the .NET SDK writes <c>pubsubName</c>).
    /// </summary>
    public static IReadOnlyList<Subscription> ParseAll(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("GET /dapr/subscribe must answer a JSON array");
        }

        return document.RootElement.EnumerateArray().Select(Parse).ToList();
    }

    private static Subscription Parse(JsonElement item)
    {
        var pubsub = Text(item, "pubsubname") ?? throw new FormatException($"subscription without pubsubname: {item}");
        var topic = Text(item, "topic") ?? throw new FormatException($"subscription without topic: {item}");
        var rules = new List<RouteRule>();
        var defaultPath = Text(item, "route");
        if (Property(item, "routes") is { ValueKind: JsonValueKind.Object } routes)
        {
            defaultPath = Text(routes, "default") ?? defaultPath;
            if (Property(routes, "rules") is { ValueKind: JsonValueKind.Array } ruleArray)
            {
                foreach (var rule in ruleArray.EnumerateArray())
                {
                    var path = Text(rule, "path") ?? throw new FormatException($"route rule without path: {rule}");
                    if (Text(rule, "match") is { Length: > 0 } match)
                    {
                        rules.Add(new RouteRule(RouteMatch.Parse(match), path));
                    }
                    else
                    {
                        // A rule without a match is the default route.
                        defaultPath = path;
                    }
                }
            }
        }

        var metadata = Property(item, "metadata") is { ValueKind: JsonValueKind.Object } meta
            ? meta.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString())
            : [];
        return new Subscription(pubsub, topic, rules, defaultPath, Text(item, "deadLetterTopic"), metadata);
    }

    private static JsonElement? Property(JsonElement element, string name) =>
        element.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: not JsonValueKind.Undefined } found
            ? found.Value
            : null;

    private static string? Text(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value && value.GetString() is { Length: > 0 } text ? text : null;
}

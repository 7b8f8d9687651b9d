using System.Text.RegularExpressions;

namespace FlashSale.Deployment.Tests.Support;

/// <summary>
/// What the services' code says about their wiring, read from the sources (the deployment must agree with it):
/// the Dapr app id each passes to AddServiceDefaults, the integration events and their topics (FlashSale.Contracts),
/// which service constructs (publishes) which event, which topics it subscribes to, which Dapr components it names.
/// </summary>
public static partial class ServiceSources
{
    /// <summary>The Dapr app id the service passes to AddServiceDefaults (in whichever of its sources calls it).</summary>
    public static string? AppId(string service) =>
        AddServiceDefaults().Match(Code(service)) is { Success: true } match ? match.Groups["id"].Value : null;

    /// <summary>Whether the service's code wires in ServiceDefaults (health endpoints, telemetry).</summary>
    public static bool UsesServiceDefaults(string service) => Code(service).Contains("UseServiceDefaults(", StringComparison.Ordinal);

    /// <summary>App ids the service calls through Dapr service invocation: the constants it hands to the invocation
    /// APIs (CreateInvocationInvoker, InvokeMethod*, CreateInvokeHttpClient), resolved to their string values.</summary>
    public static IReadOnlySet<string> InvokedApps(string service)
    {
        var code = Code(service);
        var constants = StringConstant().Matches(code).GroupBy(m => m.Groups["name"].Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Groups["value"].Value, StringComparer.Ordinal);
        return Invocation().Matches(code)
            .Select(match => match.Groups["literal"].Success ? match.Groups["literal"].Value
                : constants.GetValueOrDefault(match.Groups["constant"].Value.Split('.')[^1]))
            .OfType<string>()
            .ToHashSet();
    }

    /// <summary>Whether the service hosts Dapr actors (RegisterActor) or calls them (CreateActorProxy).</summary>
    public static bool HostsActors(string service) => Code(service).Contains("RegisterActor<", StringComparison.Ordinal);

    public static bool CallsActors(string service) => Code(service).Contains("CreateActorProxy<", StringComparison.Ordinal);

    /// <summary>FlashSale.Contracts.Topics: constant name -> topic.</summary>
    public static IReadOnlyDictionary<string, string> Topics { get; } = ReadTopics();

    /// <summary>Every integration event record: name -> topic (from its [CloudEventType]).</summary>
    public static IReadOnlyDictionary<string, string> Events { get; } = Repository.SourceFiles("Contracts")
        .SelectMany(file => EventRecord().Matches(File.ReadAllText(file)))
        .ToDictionary(match => match.Groups["record"].Value, match => Topics[match.Groups["topic"].Value]);

    /// <summary>Topics a service publishes to: the topics of the events it constructs.</summary>
    public static IReadOnlySet<string> PublishedTopics(string service)
    {
        var code = Code(service);
        return Events
            // Qualified only by the contracts' namespace: ReservationOutcome.SoldOut is not the SoldOut event.
            .Where(pair => Regex.IsMatch(code, $@"(?<![\w.])new\s+(global::)?((FlashSale\.)?Contracts\.([A-Z]\w*\.)*)?{pair.Key}\s*\("))
            .Select(pair => pair.Value)
            .ToHashSet();
    }

    /// <summary>Topics a service subscribes to: AddTopicSubscription(Topics.X).</summary>
    public static IReadOnlySet<string> SubscribedTopics(string service) => Subscription()
        .Matches(Code(service))
        .Select(match => Topics[match.Groups["topic"].Value])
        .ToHashSet();

    /// <summary>Dapr component names a service's code uses as string constants (stores end in "-store").</summary>
    public static IReadOnlySet<string> StoreNames(string service) => StoreLiteral()
        .Matches(Code(service))
        .Select(match => match.Groups["name"].Value)
        .ToHashSet();

    /// <summary>Whether the service publishes or subscribes through the `pubsub` component.</summary>
    public static bool UsesPubSub(string service)
    {
        var code = Code(service);
        return PublishedTopics(service).Count > 0 || SubscribedTopics(service).Count > 0
            || code.Contains("PubSub.Name", StringComparison.Ordinal) || code.Contains("AddEventPublisher", StringComparison.Ordinal);
    }

    public static string Code(string service) =>
        string.Join('\n', Repository.SourceFiles(service).Order(StringComparer.Ordinal).Select(File.ReadAllText));

    private static Dictionary<string, string> ReadTopics()
    {
        var contracts = string.Join('\n', Repository.SourceFiles("Contracts").Select(File.ReadAllText));
        var body = TopicsClass().Match(contracts);
        Assert.True(body.Success, "FlashSale.Contracts has no `static class Topics`");
        return TopicConstant().Matches(body.Groups["body"].Value)
            .ToDictionary(match => match.Groups["name"].Value, match => match.Groups["value"].Value);
    }

    [GeneratedRegex(@"AddServiceDefaults\(\s*""(?<id>[^""]+)""\s*\)")]
    private static partial Regex AddServiceDefaults();

    [GeneratedRegex(@"static\s+class\s+Topics\s*\{(?<body>[^}]*)\}")]
    private static partial Regex TopicsClass();

    [GeneratedRegex(@"const\s+string\s+(?<name>\w+)\s*=\s*""(?<value>[^""]+)""")]
    private static partial Regex TopicConstant();

    [GeneratedRegex(@"\[CloudEventType\(\s*""[^""]+""\s*,\s*Topics\.(?<topic>\w+)\s*\)\]\s*public\s+(sealed\s+)?record\s+(?<record>\w+)")]
    private static partial Regex EventRecord();

    [GeneratedRegex(@"\w*TopicSubscription\w*\(\s*(FlashSale\.Contracts\.)?Topics\.(?<topic>\w+)\s*\)")]
    private static partial Regex Subscription();

    [GeneratedRegex(@"const\s+string\s+(?<name>\w+)\s*=\s*""(?<value>[^""]*)""")]
    private static partial Regex StringConstant();

    [GeneratedRegex(@"\b(CreateInvocationInvoker|InvokeMethod\w*|CreateInvokeHttpClient|CreateInvokeMethodRequest)\s*(<[^>]*>)?\(\s*(""(?<literal>[a-z0-9-]+)""|(?<constant>[\w.]+))")]
    private static partial Regex Invocation();

    [GeneratedRegex(@"const\s+string\s+\w+\s*=\s*""(?<name>[a-z0-9]+(-[a-z0-9]+)*-store)""")]
    private static partial Regex StoreLiteral();
}

using System.Text.RegularExpressions;

namespace FlashSale.Deployment.Tests.Support;

/// <summary>
/// What the services' code says about their wiring, read from the sources (the deployment must agree with it):
/// the Dapr app id each passes to AddServiceDefaults, the integration events and their topics (FlashSale.Contracts),
/// which service constructs (publishes) which event, which topics it subscribes to, which Dapr components it names.
/// </summary>
public static partial class ServiceSources
{
    public static string? AppId(string service) =>
        AddServiceDefaults().Match(Repository.Read("services", service, "Program.cs")) is { Success: true } match
            ? match.Groups["id"].Value
            : null;

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
            .Where(pair => Regex.IsMatch(code, $@"\bnew\s+(global::)?([\w.]+\.)?{pair.Key}\s*\("))
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

    [GeneratedRegex(@"AddTopicSubscription\(\s*Topics\.(?<topic>\w+)\s*\)")]
    private static partial Regex Subscription();

    [GeneratedRegex(@"const\s+string\s+\w+\s*=\s*""(?<name>[a-z0-9]+(-[a-z0-9]+)*-store)""")]
    private static partial Regex StoreLiteral();
}

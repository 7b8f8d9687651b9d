using YamlDotNet.RepresentationModel;
using static FlashSale.TestSupport.Sidecar.YamlLookup;

namespace FlashSale.TestSupport.Sidecar;

/// <summary>One Dapr component as its YAML declares it (secret references are kept as names, never resolved).</summary>
public sealed record DaprComponent(string Name, string Type, IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<string> Scopes)
{
    public bool IsStateStore => Type.StartsWith("state.", StringComparison.Ordinal);

    public bool IsPubSub => Type.StartsWith("pubsub.", StringComparison.Ordinal);

    public bool IsActorStateStore =>
        IsStateStore && string.Equals(Metadata.GetValueOrDefault("actorStateStore"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Dapr loads a component into an app's sidecar only when the app id is in its scopes (or it has none).</summary>
    public bool IsVisibleTo(string appId) => Scopes.Count == 0 || Scopes.Contains(appId, StringComparer.Ordinal);

    /// <summary>The outbox a state store publishes through (<c>outboxPublishPubsub</c> + <c>outboxPublishTopic</c>), if any.</summary>
    public (string PubSub, string Topic)? Outbox =>
        Metadata.GetValueOrDefault("outboxPublishPubsub") is { Length: > 0 } pubsub
        && Metadata.GetValueOrDefault("outboxPublishTopic") is { Length: > 0 } topic
            ? (pubsub, topic)
            : null;
}

/// <summary>
/// The Dapr components of the project (<c>components/*.yaml</c>), read the way daprd reads them, so a test environment
/// has exactly the stores, pub/sub and scopes the cluster has.
/// </summary>
public sealed class DaprComponents
{
    private readonly Dictionary<string, DaprComponent> _byName;

    public DaprComponents(IEnumerable<DaprComponent> components)
    {
        _byName = components.ToDictionary(component => component.Name, StringComparer.Ordinal);
    }

    public IReadOnlyCollection<DaprComponent> All => _byName.Values;

    public DaprComponent? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The state store component an app's actors keep their state in (<c>actorStateStore: "true"</c>).</summary>
    public DaprComponent? ActorStateStoreFor(string appId) =>
        _byName.Values.SingleOrDefault(component => component.IsActorStateStore && component.IsVisibleTo(appId));

    /// <summary>Reads the repository's own <c>components/</c> folder, found by walking up from the test binaries.</summary>
    public static DaprComponents LoadFromRepository() => Load(RepositoryFiles.PathOf("components"));

    public static DaprComponents Load(string directory)
    {
        var components = Directory.EnumerateFiles(directory, "*.yaml")
            .Concat(Directory.EnumerateFiles(directory, "*.yml"))
            .Order(StringComparer.Ordinal)
            .SelectMany(ReadFile)
            .ToList();
        return new DaprComponents(components);
    }

    private static IEnumerable<DaprComponent> ReadFile(string path)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(path))
        {
            yaml.Load(reader);
        }

        foreach (var document in yaml.Documents)
        {
            if (document.RootNode is YamlMappingNode root && Scalar(root, "kind") == "Component")
            {
                yield return Parse(root, path);
            }
        }
    }

    private static DaprComponent Parse(YamlMappingNode root, string path)
    {
        var name = Child<YamlMappingNode>(root, "metadata") is { } meta ? Scalar(meta, "name") : null;
        var spec = Child<YamlMappingNode>(root, "spec");
        var type = spec is null ? null : Scalar(spec, "type");
        if (name is null || type is null)
        {
            throw new InvalidDataException($"{path}: a Dapr component needs metadata.name and spec.type");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (spec is not null && Child<YamlSequenceNode>(spec, "metadata") is { } items)
        {
            foreach (var item in items.OfType<YamlMappingNode>())
            {
                // Values from secretKeyRef stay unresolved: the stand-in never connects to the real store.
                if (Scalar(item, "name") is { } key && Scalar(item, "value") is { } value)
                {
                    metadata[key] = value;
                }
            }
        }

        var scopes = Child<YamlSequenceNode>(root, "scopes")?.OfType<YamlScalarNode>().Select(node => node.Value!).ToList() ?? [];
        return new DaprComponent(name, type, metadata, scopes);
    }
}

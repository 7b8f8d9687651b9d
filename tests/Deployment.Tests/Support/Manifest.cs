using System.Text.Json.Nodes;

namespace FlashSale.Deployment.Tests.Support;

/// <summary>One Kubernetes document, with the accessors the checks need.</summary>
public sealed record Manifest(JsonObject Document)
{
    public string ApiVersion => (string?)Document["apiVersion"] ?? "";

    public string Kind => (string?)Document["kind"] ?? "";

    public string Name => (string?)Document["metadata"]?["name"] ?? "";

    public string? Namespace => (string?)Document["metadata"]?["namespace"];

    public JsonNode? Spec => Document["spec"];

    public override string ToString() => $"{Kind}/{Name}";

    /// <summary>Pod template of a Deployment or StatefulSet.</summary>
    public JsonObject PodTemplate => Spec?["template"]?.AsObject() ?? throw new InvalidOperationException($"{this} has no pod template");

    public IReadOnlyDictionary<string, string> PodLabels => Labels(PodTemplate["metadata"]?["labels"]);

    public IReadOnlyDictionary<string, string> PodAnnotations => Labels(PodTemplate["metadata"]?["annotations"]);

    public IEnumerable<JsonObject> Containers => (PodTemplate["spec"]?["containers"]?.AsArray() ?? []).OfType<JsonObject>();

    public static IReadOnlyDictionary<string, string> Labels(JsonNode? node) =>
        node?.AsObject().ToDictionary(pair => pair.Key, pair => pair.Value?.ToString() ?? "") ?? new Dictionary<string, string>();
}

public static class ManifestExtensions
{
    public static IEnumerable<Manifest> OfKind(this IEnumerable<Manifest> manifests, string kind) =>
        manifests.Where(m => m.Kind == kind);

    public static Manifest Single(this IEnumerable<Manifest> manifests, string kind, string name) =>
        manifests.SingleOrDefault(m => m.Kind == kind && m.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"no rendered {kind}/{name}");

    /// <summary>Whether <paramref name="selector"/> picks the pod (every selector label is on the pod).</summary>
    public static bool Selects(this IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> podLabels) =>
        selector.Count > 0 && selector.All(label => podLabels.TryGetValue(label.Key, out var value) && value == label.Value);
}

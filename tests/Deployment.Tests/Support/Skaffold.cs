using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FlashSale.Deployment.Tests.Support;

/// <summary>What skaffold.yaml says: the images it builds and the Helm releases it installs, in order.</summary>
public static partial class Skaffold
{
    public static JsonObject Config => Yaml.ParseFile("skaffold.yaml");

    public static IReadOnlyList<JsonObject> Releases() =>
        Config["deploy"]!["helm"]!["releases"]!.AsArray().OfType<JsonObject>().ToList();

    public static IReadOnlyList<JsonObject> Artifacts() =>
        Config["build"]!["artifacts"]!.AsArray().OfType<JsonObject>().ToList();

    public static JsonObject Release(string name) => Releases().Single(r => (string?)r["name"] == name);

    /// <summary>The key skaffold gives an image in Helm value templates: IMAGE_REPO_&lt;this&gt;.</summary>
    public static string TemplateKey(string image) => NonAlphanumeric().Replace(image, "_");

    [GeneratedRegex("[^A-Za-z0-9]")]
    private static partial Regex NonAlphanumeric();
}

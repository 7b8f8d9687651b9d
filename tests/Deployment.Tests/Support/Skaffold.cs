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

    /// <summary>The artifacts that build services/&lt;folder&gt; (buildArgs SERVICE).</summary>
    public static IReadOnlyList<JsonObject> ArtifactsBuilding(string serviceFolder) => Artifacts()
        .Where(a => (string?)a["docker"]?["buildArgs"]?["SERVICE"] == serviceFolder)
        .ToList();

    /// <summary>The values files of a release for a profile: its own, then those the profile's patches append.</summary>
    public static IReadOnlyList<string> ValuesFiles(string release, string? profile = null)
    {
        var index = Releases().ToList().FindIndex(r => (string?)r["name"] == release);
        var files = (Releases()[index]["valuesFiles"]?.AsArray() ?? []).Select(f => (string)f!).ToList();
        if (profile is not null)
        {
            files.AddRange(Patches(profile)
                .Where(p => (string?)p["path"] == $"/deploy/helm/releases/{index}/valuesFiles/-")
                .Select(p => (string)p["value"]!));
        }

        return files;
    }

    /// <summary>The JSON patches of a skaffold profile.</summary>
    public static IReadOnlyList<JsonObject> Patches(string profile) => Config["profiles"]!.AsArray()
        .Single(p => (string?)p!["name"] == profile)!["patches"]!.AsArray().OfType<JsonObject>().ToList();

    /// <summary>The key skaffold gives an image in Helm value templates: IMAGE_REPO_&lt;this&gt;.</summary>
    public static string TemplateKey(string image) => NonAlphanumeric().Replace(image, "_");

    [GeneratedRegex("[^A-Za-z0-9]")]
    private static partial Regex NonAlphanumeric();
}

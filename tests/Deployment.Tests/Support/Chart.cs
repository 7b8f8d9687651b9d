using System.Text.Json.Nodes;

namespace FlashSale.Deployment.Tests.Support;

/// <summary>
/// One of the project's charts, with the release name and namespace skaffold.yaml deploys it as, and its profiles
/// (values.yaml plus every values-&lt;profile&gt;.yaml next to it).
/// </summary>
public sealed record Chart(string Name, string ReleaseName, string Namespace)
{
    public const string DefaultProfile = "default";

    public static Chart App { get; } = FromSkaffold("flashsale");

    public static Chart Infra { get; } = FromSkaffold("flashsale-infra");

    public static IReadOnlyList<Chart> All { get; } = [App, Infra];

    /// <summary>Every (chart, profile) pair, for theories.</summary>
    public static TheoryData<string, string> Profiles
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var chart in All)
            {
                foreach (var profile in chart.ProfileNames)
                {
                    data.Add(chart.Name, profile);
                }
            }

            return data;
        }
    }

    public string Directory => Path.Combine("charts", Name);

    public IReadOnlyList<string> ProfileNames => System.IO.Directory
        .EnumerateFiles(Repository.PathOf(Directory), "values-*.yaml")
        .Select(file => Path.GetFileNameWithoutExtension(file)["values-".Length..])
        .Order(StringComparer.Ordinal)
        .Prepend(DefaultProfile)
        .ToList();

    public JsonObject DefaultValues => Yaml.ParseFile(Directory, "values.yaml");

    /// <summary>The profile rendered as a site deploys it: with the site's values (Sites/&lt;chart&gt;-&lt;profile&gt;.yaml)
    /// when the profile requires some.</summary>
    public IReadOnlyList<Manifest> Render(string profile = DefaultProfile) => Helm.Template(this, profile).Manifests();

    /// <summary>The values a site supplies for a profile (what the profile marks as required), or null.</summary>
    public string? SiteValues(string profile)
    {
        var file = Path.Combine("tests", "Deployment.Tests", "Sites", $"{Name}-{profile}.yaml");
        return File.Exists(Repository.PathOf(file)) ? file : null;
    }

    /// <summary>values.yaml, then values-&lt;profile&gt;.yaml, merged as Helm merges them.</summary>
    public JsonObject Values(string profile = DefaultProfile) => profile == DefaultProfile
        ? DefaultValues
        : Yaml.Merge(DefaultValues, Yaml.ParseFile(Directory, $"values-{profile}.yaml"));

    public static Chart Named(string name) => All.Single(chart => chart.Name == name);

    private static Chart FromSkaffold(string name)
    {
        var release = Skaffold.Releases().Single(r => (string?)r["chartPath"] == $"charts/{name}");
        return new Chart(name, (string)release["name"]!, (string)release["namespace"]!);
    }
}

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

    public IReadOnlyList<Manifest> Render(string profile = DefaultProfile) => Helm.Template(this, profile).Manifests();

    public static Chart Named(string name) => All.Single(chart => chart.Name == name);

    private static Chart FromSkaffold(string name)
    {
        var release = Skaffold.Releases().Single(r => (string?)r["chartPath"] == $"charts/{name}");
        return new Chart(name, (string)release["name"]!, (string)release["namespace"]!);
    }
}

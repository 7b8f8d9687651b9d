using System.Text.Json.Nodes;
using FlashSale.Deployment.Tests.Support;

namespace FlashSale.Deployment.Tests;

/// <summary>Everything that would be applied or read by a tool, validated strictly against the offline schemas.</summary>
public sealed class SchemaValidationTests
{
    public static TheoryData<string, string> Profiles => Chart.Profiles;

    public static TheoryData<string> ComponentFiles => new(Directory
        .EnumerateFiles(Repository.PathOf("components"), "*.yaml")
        .Select(Path.GetFileName)
        .OfType<string>()
        .Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Every_rendered_document_matches_its_schema(string chart, string profile)
    {
        var schemas = SchemaCatalog.Require();
        var manifests = Chart.Named(chart).Render(profile);

        var failures = manifests
            .Select(m => (Manifest: m, Errors: schemas.Validate(m.Document)))
            .Where(result => result.Errors.Count > 0)
            .Select(result => $"{result.Manifest.ApiVersion} {result.Manifest}:\n  {string.Join("\n  ", result.Errors)}")
            .ToList();

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{chart}/{profile}: {manifests.Count} documents valid: " +
            string.Join(", ", manifests.GroupBy(m => m.Kind).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}")));
    }

    [Theory]
    [MemberData(nameof(ComponentFiles))]
    public void Every_file_under_components_matches_its_schema(string file)
    {
        var schemas = SchemaCatalog.Require();
        var documents = Yaml.ParseAll(Repository.Read("components", file));

        Assert.NotEmpty(documents);
        Assert.All(documents, document => Assert.Empty(schemas.Validate(document.AsObject())));
    }

    [Fact]
    public void Components_folder_holds_only_resources_and_the_local_secrets_file()
    {
        var others = Directory.EnumerateFiles(Repository.PathOf("components"))
            .Select(Path.GetFileName)
            .Where(name => !name!.EndsWith(".yaml", StringComparison.Ordinal));

        Assert.Equal(["secrets.local.json"], others);
    }

    [Fact]
    public void Compose_file_matches_the_compose_specification()
    {
        var schemas = SchemaCatalog.Require();

        Assert.Empty(schemas.ValidateAgainst(Path.Combine("compose", "compose-spec.json"), Yaml.ParseFile("compose.yaml")));
    }

    [Fact]
    public void Skaffold_config_matches_the_schema_of_its_api_version()
    {
        var schemas = SchemaCatalog.Require();
        var documents = Yaml.ParseAll(Repository.Read("skaffold.yaml"));

        Assert.All(documents, document =>
        {
            var version = ((string?)document["apiVersion"])?.Split('/') is ["skaffold", var v] ? v : null;
            var schema = Path.Combine("skaffold", $"{version}.json");
            Assert.True(version is not null && schemas.HasSchema(schema), $"no skaffold schema for apiVersion {document["apiVersion"]}");
            Assert.Empty(schemas.ValidateAgainst(schema, document));
        });
        Assert.Equal("skaffold/v4beta13", (string?)documents[0]["apiVersion"]);
    }

    [Fact]
    public void Kind_cluster_config_matches_its_schema()
    {
        var schemas = SchemaCatalog.Require();

        Assert.Empty(schemas.ValidateAgainst(Path.Combine("kind", "cluster-v1alpha4.json"), Yaml.ParseFile("kind-cluster.yaml")));
    }

    [Fact]
    public void Custom_resources_keep_accepting_fields_under_preserve_unknown_fields()
    {
        var schemas = SchemaCatalog.Require();
        var component = Yaml.Parse("""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: { name: any }
            spec:
              type: state.redis
              version: v1
              metadata:
                - name: structured
                  value: { nested: [1, 2], free: form }
            """).AsObject();

        Assert.Empty(schemas.Validate(component));
    }
}

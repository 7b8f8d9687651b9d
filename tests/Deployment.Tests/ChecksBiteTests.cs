using System.Text.Json.Nodes;
using FlashSale.Deployment.Tests.Support;

namespace FlashSale.Deployment.Tests;

/// <summary>
/// Proof that the checks catch mistakes: a misspelt field, a wrong enum value and a missing required field each fail,
/// both in the chart's values (values.schema.json, which helm enforces) and in rendered or hand-written resources
/// (the strict schema validation).
/// </summary>
public sealed class ChecksBiteTests
{
    [Theory]
    [InlineData("services:\n  catalog:\n    replica: 3\n", "replica")]                          // misspelt field
    [InlineData("istio:\n  trafficPolicyy: {}\n", "trafficPolicyy")]                           // misspelt section
    [InlineData("dapr:\n  pubsub:\n    initialOffset: latest\n", "initialOffset")]              // wrong enum
    [InlineData("services:\n  catalog:\n    dapr:\n      appProtocol: https\n", "appProtocol")]  // wrong enum
    [InlineData("services:\n  catalog:\n    image:\n      repository: null\n", "repository")]   // required field removed
    [InlineData("canary:\n  weight: 150\n", "weight")]                                          // out of range
    public void A_bad_values_override_is_refused_by_the_app_chart(string overrideYaml, string field) =>
        AssertValuesRefused(Chart.App, overrideYaml, field);

    [Theory]
    [InlineData("kafka:\n  replica: 3\n", "replica")]
    [InlineData("observability:\n  collector:\n    mode: sidecar\n", "mode")]
    [InlineData("kafka:\n  storage:\n    type: null\n", "type")]
    public void A_bad_values_override_is_refused_by_the_infra_chart(string overrideYaml, string field) =>
        AssertValuesRefused(Chart.Infra, overrideYaml, field);

    [Fact]
    public void A_misspelt_field_in_a_rendered_deployment_fails_validation()
    {
        var deployment = Rendered(Chart.App, "Deployment", "catalog");
        deployment["spec"]!["replica"] = 2;

        AssertInvalid(deployment, "/spec/replica");
    }

    [Fact]
    public void A_misspelt_field_in_an_istio_destination_rule_fails_validation()
    {
        var rule = Rendered(Chart.App, "DestinationRule", "catalog");
        var spec = rule["spec"]!.AsObject();
        spec["trafficPolicyy"] = spec["trafficPolicy"]!.DeepClone();
        spec.Remove("trafficPolicy");

        AssertInvalid(rule, "/spec/trafficPolicyy");
    }

    [Fact]
    public void A_misspelt_top_level_field_of_a_custom_resource_fails_validation()
    {
        var component = Rendered(Chart.App, "Component", "orders-store");
        component["spc"] = component["spec"]!.DeepClone();

        AssertInvalid(component, "/spc");
    }

    [Fact]
    public void A_misspelt_metadata_field_of_a_custom_resource_fails_validation()
    {
        var topic = Rendered(Chart.Infra, "KafkaTopic", "orders");
        topic["metadata"]!["label"] = new JsonObject { ["x"] = "y" };

        AssertInvalid(topic, "/metadata/label");
    }

    [Fact]
    public void A_wrong_enum_value_fails_validation()
    {
        var policy = Rendered(Chart.App, "PeerAuthentication", "default");
        policy["spec"]!["mtls"]!["mode"] = "STRICTER";

        AssertInvalid(policy, "/spec/mtls/mode");
    }

    [Fact]
    public void A_wrong_type_fails_validation()
    {
        var service = Rendered(Chart.App, "Service", "catalog");
        service["spec"]!["ports"]![0]!["port"] = "eighty";

        AssertInvalid(service, "/spec/ports/0/port");
    }

    [Fact]
    public void A_missing_required_field_fails_validation()
    {
        var deployment = Rendered(Chart.App, "Deployment", "catalog");
        deployment["spec"]!.AsObject().Remove("selector");

        AssertInvalid(deployment, "");
    }

    [Fact]
    public void A_missing_required_field_of_a_custom_resource_fails_validation()
    {
        var pool = Rendered(Chart.Infra, "KafkaNodePool", "dual-role");
        pool["spec"]!.AsObject().Remove("roles");

        AssertInvalid(pool, "/spec");
    }

    [Fact]
    public void A_kind_without_a_schema_fails_instead_of_passing_silently()
    {
        var telemetry = Yaml.Parse("""
            apiVersion: telemetry.istio.io/v1
            kind: Telemetry
            metadata: { name: mesh-default }
            spec: {}
            """).AsObject();

        var errors = SchemaCatalog.Require().Validate(telemetry);

        Assert.Contains(errors, error => error.Contains("no schema", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_skaffold_or_kind_file_fails_validation()
    {
        var schemas = SchemaCatalog.Require();
        var skaffold = Yaml.ParseFile("skaffold.yaml");
        skaffold["deploy"]!["helm"]!["releases"]![0]!["chartPth"] = "charts/typo";
        var kind = Yaml.ParseFile("kind-cluster.yaml");
        kind["nodes"]![0]!["role"] = "master";

        Assert.NotEmpty(schemas.ValidateAgainst(Path.Combine("skaffold", "v4beta13.json"), skaffold));
        Assert.NotEmpty(schemas.ValidateAgainst(Path.Combine("kind", "cluster-v1alpha4.json"), kind));
    }

    private static void AssertValuesRefused(Chart chart, string overrideYaml, string field)
    {
        var file = Path.Combine(Path.GetTempPath(), $"flashsale-values-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, overrideYaml);
        try
        {
            var result = Helm.Template(chart, Chart.DefaultProfile, "--values", file);

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("values don't meet the specifications of the schema", result.Error, StringComparison.Ordinal);
            Assert.Contains(field, result.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static JsonObject Rendered(Chart chart, string kind, string name) =>
        chart.Render().Single(kind, name).Document.DeepClone().AsObject();

    private static void AssertInvalid(JsonObject document, string location)
    {
        var errors = SchemaCatalog.Require().Validate(document);

        Assert.Contains(errors, error => error.StartsWith(location + ":", StringComparison.Ordinal) || error.StartsWith(location + "/", StringComparison.Ordinal));
    }
}

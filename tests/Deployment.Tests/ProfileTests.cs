using System.Text.Json.Nodes;
using FlashSale.Deployment.Tests.Support;

namespace FlashSale.Deployment.Tests;

/// <summary>What each profile promises: canary traffic shifting, chaos faults, production sizing and redundancy.</summary>
public sealed class ProfileTests
{
    [Fact]
    public void Canary_runs_catalog_v2_beside_v1_with_weights_and_a_pinning_header()
    {
        var manifests = Chart.App.Render("canary");
        var v1 = manifests.Single("Deployment", "catalog");
        var v2 = manifests.Single("Deployment", "catalog-v2");
        var routes = manifests.Single("VirtualService", "catalog").Spec!["http"]!.AsArray();
        var pinned = routes[0]!;
        var weighted = routes[^1]!["route"]!.AsArray();

        Assert.Equal("v1", v1.PodLabels["version"]);
        Assert.Equal("v2", v2.PodLabels["version"]);
        Assert.Equal(v1.PodAnnotations["dapr.io/app-id"], v2.PodAnnotations["dapr.io/app-id"]);
        Assert.Equal("always", (string?)pinned["match"]![0]!["headers"]!["x-canary"]!["exact"]);
        Assert.Equal("v2", (string?)pinned["route"]![0]!["destination"]!["subset"]);
        Assert.Equal(100, weighted.Sum(r => (int)r!["weight"]!));
        Assert.Equal(10, (int)weighted.Single(r => (string?)r!["destination"]!["subset"] == "v2")!["weight"]!);
        Assert.DoesNotContain(Chart.App.Render(), m => m.Name == "catalog-v2");
    }

    [Fact]
    public void Chaos_injects_delays_and_aborts_only_when_the_profile_is_on()
    {
        var faults = Faults(Chart.App.Render("chaos"));

        Assert.Equal(["catalog", "order-query"], faults.Keys.Order(StringComparer.Ordinal));
        Assert.All(faults.Values, fault =>
        {
            Assert.True((double)fault["delay"]!["percentage"]!["value"]! > 0);
            Assert.NotNull(fault["delay"]!["fixedDelay"]);
            Assert.True((double)fault["abort"]!["percentage"]!["value"]! > 0);
            Assert.InRange((int)fault["abort"]!["httpStatus"]!, 500, 599);
        });
        Assert.Empty(Faults(Chart.App.Render()));
    }

    [Fact]
    public void Production_runs_at_least_two_pods_of_every_service_and_budgets_keep_one_up()
    {
        var manifests = Chart.App.Render("production");

        foreach (var deployment in manifests.OfKind("Deployment"))
        {
            var autoscaler = manifests.OfKind("HorizontalPodAutoscaler").SingleOrDefault(h => (string?)h.Spec!["scaleTargetRef"]!["name"] == deployment.Name);
            var minimum = autoscaler is null ? (int)deployment.Spec!["replicas"]! : (int)autoscaler.Spec!["minReplicas"]!;
            var budget = manifests.OfKind("PodDisruptionBudget").Single(b => Manifest.Labels(b.Spec!["selector"]!["matchLabels"]).Selects(deployment.PodLabels));

            Assert.True(minimum >= 2, $"{deployment} runs {minimum} pod(s) in production");
            Assert.True((int)budget.Spec!["maxUnavailable"]! < minimum, $"{budget} could evict every pod of {deployment}");
        }

        Assert.Single(manifests.OfKind("PodMonitor"));
        Assert.Single(manifests.OfKind("PrometheusRule"));
    }

    [Fact]
    public void Production_kafka_has_three_brokers_replication_three_and_two_in_sync()
    {
        var manifests = Chart.Infra.Render("production");
        var pool = Assert.Single(manifests.OfKind("KafkaNodePool"));
        var config = manifests.OfKind("Kafka").Single().Spec!["kafka"]!["config"]!;

        Assert.Equal(3, (int)pool.Spec!["replicas"]!);
        Assert.Equal("persistent-claim", (string?)pool.Spec!["storage"]!["type"]);
        Assert.Equal(3, (int)config["default.replication.factor"]!);
        Assert.Equal(2, (int)config["min.insync.replicas"]!);
        Assert.All(manifests.OfKind("KafkaTopic"), topic =>
        {
            Assert.Equal(3, (int)topic.Spec!["replicas"]!);
            Assert.Equal(2, (int)topic.Spec!["config"]!["min.insync.replicas"]!);
        });
        Assert.DoesNotContain(manifests, m => m.Kind == "StatefulSet");   // managed PostgreSQL and Redis in production
        Assert.Single(manifests.OfKind("OpenTelemetryCollector"));
        Assert.Single(manifests.OfKind("ServiceMonitor"));
    }

    [Fact]
    public void Laptop_kafka_is_a_single_kraft_node_with_ephemeral_storage()
    {
        var pool = Assert.Single(Chart.Infra.Render().OfKind("KafkaNodePool"));

        Assert.Equal(1, (int)pool.Spec!["replicas"]!);
        Assert.Equal(["controller", "broker"], pool.Spec!["roles"]!.AsArray().Select(r => (string?)r));
        Assert.Equal("ephemeral", (string?)pool.Spec!["storage"]!["type"]);
    }

    [Fact]
    public void Production_runs_the_dapr_control_plane_in_ha_mode()
    {
        var patches = Skaffold.Config["profiles"]!.AsArray().Single(p => (string?)p!["name"] == "production")!["patches"]!.AsArray();
        var daprIndex = Skaffold.Releases().ToList().FindIndex(r => (string?)r["name"] == "dapr");

        Assert.Equal(true, (bool?)Yaml.ParseFile("charts", "upstream", "dapr-production.yaml")["global"]!["ha"]!["enabled"]);
        Assert.Contains(patches, p => (string?)p!["path"] == $"/deploy/helm/releases/{daprIndex}/valuesFiles/-"
                                      && (string?)p["value"] == "charts/upstream/dapr-production.yaml");
    }

    private static Dictionary<string, JsonNode> Faults(IReadOnlyList<Manifest> manifests) => manifests.OfKind("VirtualService")
        .Select(vs => (vs.Name, Fault: vs.Spec!["http"]!.AsArray().Select(route => route!["fault"]).FirstOrDefault(f => f is not null)))
        .Where(pair => pair.Fault is not null)
        .ToDictionary(pair => pair.Name, pair => pair.Fault!);
}

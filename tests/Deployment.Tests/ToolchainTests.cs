using System.Text.Json.Nodes;
using FlashSale.Deployment.Tests.Support;

namespace FlashSale.Deployment.Tests;

/// <summary>skaffold.yaml, kind-cluster.yaml and dapr.yaml: pinned upstream charts, safe install order, matching ports.</summary>
public sealed class ToolchainTests
{
    private static IReadOnlyList<JsonObject> Releases => Skaffold.Releases();

    [Fact]
    public void Upstream_charts_are_pinned_to_exact_versions_and_waited_for()
    {
        var upstream = Releases.Where(r => r["remoteChart"] is not null).ToList();

        Assert.Equal(["metrics-server", "istio-base", "istiod", "istio-ingressgateway", "dapr", "strimzi", "kube-prometheus-stack", "opensearch", "opensearch-dashboards"],
            upstream.Select(r => (string?)r["name"]));
        Assert.All(upstream, release =>
        {
            Assert.Matches(@"^[0-9]+\.[0-9]+\.[0-9]+$", (string?)release["version"]);
            Assert.StartsWith("https://", (string?)release["repo"]);
            Assert.Equal(true, (bool?)release["wait"]);
        });
    }

    [Fact]
    public void The_deployment_guide_names_the_pinned_versions()
    {
        var guide = Repository.Read("docs", "deployment.md");

        Assert.All(Releases.Where(r => r["remoteChart"] is not null), release =>
            Assert.Contains($"--version {release["version"]}", guide, StringComparison.Ordinal));
        Assert.Contains((string)Chart.Infra.DefaultValues["kafka"]!["version"]!, guide, StringComparison.Ordinal);
    }

    [Fact]
    public void Releases_install_one_at_a_time_with_crds_and_webhooks_before_their_users()
    {
        var order = Releases.Select(r => (string)r["name"]!).ToList();
        int At(string name) => order.IndexOf(name);

        Assert.Equal(1, (int?)Skaffold.Config["deploy"]!["helm"]!["concurrency"]);
        Assert.True(At("istio-base") < At("istiod") && At("istiod") < At("istio-ingressgateway"), "Istio base, istiod, gateway");
        Assert.True(At("dapr") < At(Chart.App.ReleaseName), "Dapr's CRDs before the Dapr components");
        Assert.True(At("strimzi") < At(Chart.Infra.ReleaseName), "Strimzi's CRDs before the Kafka resources");
        Assert.True(At("kube-prometheus-stack") < At(Chart.Infra.ReleaseName) && At("kube-prometheus-stack") < At(Chart.App.ReleaseName),
            "the Prometheus operator's CRDs before the ServiceMonitors, PodMonitors and PrometheusRules");
        Assert.True(At(Chart.Infra.ReleaseName) < At(Chart.App.ReleaseName), "namespace and secrets before the services");
        Assert.All(Releases, release =>
        {
            foreach (var dependency in release["dependsOn"]?.AsArray().Select(d => (string)d!) ?? [])
            {
                Assert.True(At(dependency) >= 0 && At(dependency) < At((string)release["name"]!), $"{release["name"]} depends on {dependency}, listed after it");
            }
        });
    }

    [Fact]
    public void The_app_release_starts_only_once_kafka_is_ready()
    {
        // daprd exits until Kafka is Ready and backs off up to 5 minutes: the app release's own wait could time out
        // on a slow first run. The infra release therefore ends only when Kafka is Ready (a post-install/upgrade hook).
        var infra = Chart.Infra.Render();
        var kafka = (string)Chart.Infra.DefaultValues["kafka"]!["name"]!;
        var job = Assert.Single(infra.OfKind("Job"), j => j.Name == "kafka-ready" &&
            Manifest.Labels(j.Document["metadata"]!["annotations"]).GetValueOrDefault("helm.sh/hook") is { } hook
            && hook.Contains("post-install", StringComparison.Ordinal) && hook.Contains("post-upgrade", StringComparison.Ordinal));
        var container = Assert.Single(job.Containers);
        var arguments = container["args"]!.AsArray().Select(a => (string)a!).ToList();
        var account = (string)job.PodTemplate["spec"]!["serviceAccountName"]!;
        var binding = infra.OfKind("RoleBinding").Single(b => b.Document["subjects"]!.AsArray().Any(s => (string?)s!["name"] == account));
        var role = infra.Single("Role", (string)binding.Document["roleRef"]!["name"]!);
        var timeout = int.Parse(arguments.Single(a => a.StartsWith("--timeout=", StringComparison.Ordinal))["--timeout=".Length..].TrimEnd('s'));
        var helmTimeout = Skaffold.Config["deploy"]!["helm"]!["flags"]!["install"]!.AsArray().Select(f => (string)f!).SkipWhile(f => f != "--timeout").ElementAt(1);

        Assert.Equal(["kubectl"], container["command"]!.AsArray().Select(c => (string?)c));
        Assert.Contains("wait", arguments);
        Assert.Contains("--for=condition=Ready", arguments);
        Assert.Contains($"kafkas.kafka.strimzi.io/{kafka}", arguments);
        Assert.Contains($"--namespace={Chart.Infra.Namespace}", arguments);
        Assert.Contains(role.Document["rules"]!.AsArray(), rule => rule!["resources"]!.AsArray().Any(r => (string?)r == "kafkas")
            && new[] { "get", "watch" }.All(verb => rule["verbs"]!.AsArray().Any(v => (string?)v == verb)));
        Assert.Equal(true, (bool?)Skaffold.Release(Chart.Infra.ReleaseName)["wait"]);
        Assert.True(TimeSpan.Parse($"00:{helmTimeout.TrimEnd('m')}:00") > TimeSpan.FromSeconds(timeout), "helm gives up before the hook does");
    }

    [Fact]
    public void Every_values_file_skaffold_names_exists_and_profiles_cover_canary_and_chaos()
    {
        var valuesPatches = Skaffold.Config["profiles"]!.AsArray().SelectMany(p => p!["patches"]!.AsArray())
            .Where(p => ((string?)p!["path"])?.EndsWith("/valuesFiles/-", StringComparison.Ordinal) == true).ToList();
        var files = Releases.SelectMany(r => r["valuesFiles"]?.AsArray() ?? [])
            .Concat(valuesPatches.Select(p => p!["value"]))
            .Select(f => (string)f!);

        Assert.All(files, file => Assert.True(File.Exists(Repository.PathOf(file)), $"{file} does not exist"));
        // Profiles patch releases by index: each values file must land on the release of its own chart.
        foreach (var patch in valuesPatches)
        {
            var index = int.Parse(((string)patch!["path"]!).Split('/')[4]);
            var release = Releases[index];
            var file = (string)patch["value"]!;
            var owner = release["chartPath"] is { } chartPath ? $"{chartPath}/" : $"charts/upstream/{release["name"]}";
            Assert.True(file.StartsWith(owner, StringComparison.Ordinal), $"{file} is patched into release {release["name"]}");
        }
        Assert.Superset(new HashSet<string?> { "canary", "chaos", "production" },
            Skaffold.Config["profiles"]!.AsArray().Select(p => (string?)p!["name"]).ToHashSet());
    }

    [Fact]
    public void Kind_publishes_the_ingress_node_port_on_localhost_and_runs_the_tested_kubernetes()
    {
        var node = Yaml.ParseFile("kind-cluster.yaml")["nodes"]!.AsArray().Single()!;
        var mapping = node["extraPortMappings"]!.AsArray().Single()!;
        var ingressPorts = Yaml.ParseFile("charts", "upstream", "istio-ingressgateway.yaml")["service"]!["ports"]!.AsArray();

        Assert.Equal("NodePort", (string?)Yaml.ParseFile("charts", "upstream", "istio-ingressgateway.yaml")["service"]!["type"]);
        Assert.Contains(ingressPorts, p => (int?)p!["nodePort"] == (int)mapping["containerPort"]! && (int?)p["port"] == 80);
        Assert.Equal("127.0.0.1", (string?)mapping["listenAddress"]);
        Assert.StartsWith($"kindest/node:v{Helm.KubeVersion[..Helm.KubeVersion.LastIndexOf('.')]}.", (string?)node["image"]);
    }

    [Fact]
    public void The_dapr_run_file_starts_every_service_from_its_folder_against_the_components_folder()
    {
        var run = Yaml.ParseFile("dapr.yaml");
        var apps = run["apps"]!.AsArray().Select(a => a!.AsObject()).ToList();

        Assert.True(Directory.Exists(Repository.PathOf((string)run["common"]!["resourcesPath"]!)));
        Assert.True(File.Exists(Repository.PathOf((string)run["common"]!["configFilePath"]!)));
        Assert.All(apps, app => Assert.True(Directory.Exists(Repository.PathOf((string)app["appDirPath"]!))));
        Assert.Equal(apps.Count, apps.Select(a => (int)a["appPort"]!).Distinct().Count());
        Assert.Equal(["catalog"], apps.Where(a => (string?)a["appProtocol"] == "grpc").Select(a => (string?)a["appID"]));
    }
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlashSale.Deployment.Tests.Support;

namespace FlashSale.Deployment.Tests;

/// <summary>How each service's pods run: probes, hardening, sidecars, ports, scaling and disruption budgets.</summary>
public sealed partial class WorkloadTests
{
    public static TheoryData<string> Services => new(Repository.ServiceFolders);

    public static TheoryData<string, string> Profiles => Chart.Profiles;

    private static IReadOnlyList<Manifest> App => Chart.App.Render();

    [Theory]
    [MemberData(nameof(Services))]
    public void Probes_point_at_the_health_endpoints_the_service_serves(string service)
    {
        var app = AppContainer(App.Single("Deployment", service));
        var ports = app["ports"]!.AsArray().Select(p => (string?)p!["name"]).ToHashSet();
        var defaults = string.Join('\n', Repository.SourceFiles("ServiceDefaults").Select(File.ReadAllText));

        Assert.Equal("/healthz", (string?)app["livenessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("/readyz", (string?)app["readinessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("/healthz", (string?)app["startupProbe"]!["httpGet"]!["path"]);
        Assert.All(new[] { "livenessProbe", "readinessProbe", "startupProbe" },
            probe => Assert.Contains((string?)app[probe]!["httpGet"]!["port"], ports));
        // The endpoints come from ServiceDefaults, which every service wires in.
        Assert.True(ServiceSources.UsesServiceDefaults(service), $"{service} does not call UseServiceDefaults()");
        Assert.Contains("MapHealthChecks(\"/healthz\"", defaults, StringComparison.Ordinal);
        Assert.Contains("MapHealthChecks(\"/readyz\"", defaults, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Pods_have_dapr_and_istio_sidecar_settings(string service)
    {
        var deployment = App.Single("Deployment", service);
        var annotations = deployment.PodAnnotations;
        var containerPorts = AppContainer(deployment)["ports"]!.AsArray().Select(p => ((int)p!["containerPort"]!).ToString());
        var proxy = JsonNode.Parse(annotations["proxy.istio.io/config"])!;

        Assert.Equal("true", annotations["dapr.io/enabled"]);
        Assert.Contains(annotations["dapr.io/app-port"], containerPorts);
        Assert.Contains(annotations["dapr.io/app-protocol"], new[] { "http", "grpc" });
        Assert.Equal("true", annotations["dapr.io/log-as-json"]);
        Assert.Equal("true", annotations["dapr.io/disable-builtin-k8s-secret-store"]);
        Assert.All(new[] { "cpu-request", "memory-request", "memory-limit" }, r => Assert.Contains($"dapr.io/sidecar-{r}", annotations.Keys));
        Assert.Equal(true, (bool?)proxy["holdApplicationUntilProxyStarts"]);
        Assert.Equal(deployment.PodLabels["version"], (string?)Chart.App.DefaultValues["services"]![service]!["version"]);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Every_container_runs_hardened_with_resources_and_a_pinned_image(string chart, string profile)
    {
        var workloads = Chart.Named(chart).Render(profile).Where(m => m.Kind is "Deployment" or "StatefulSet").ToList();

        Assert.All(workloads, workload =>
        {
            var pod = workload.PodTemplate["spec"]!;
            Assert.Equal(false, (bool?)pod["automountServiceAccountToken"]);
            Assert.Equal("RuntimeDefault", (string?)pod["securityContext"]?["seccompProfile"]?["type"]);
            foreach (var container in workload.Containers)
            {
                var security = container["securityContext"]!;
                var nonRoot = (bool?)security["runAsNonRoot"] ?? (bool?)pod["securityContext"]?["runAsNonRoot"];
                Assert.True(nonRoot == true, $"{workload} {container["name"]}: not runAsNonRoot");
                Assert.Equal(false, (bool?)security["allowPrivilegeEscalation"]);
                Assert.Equal(true, (bool?)security["readOnlyRootFilesystem"]);
                Assert.Equal(["ALL"], security["capabilities"]!["drop"]!.AsArray().Select(c => (string?)c));
                Assert.NotNull(container["resources"]?["requests"]?["memory"]);
                Assert.NotNull(container["resources"]?["limits"]?["memory"]);
                Assert.Matches(PinnedImage(), (string?)container["image"]);
            }
        });
    }

    [Fact]
    public void Service_ports_carry_istio_protocol_names_and_reach_named_container_ports()
    {
        foreach (var service in App.OfKind("Service"))
        {
            var pods = App.OfKind("Deployment").Where(d => Manifest.Labels(service.Spec!["selector"]).Selects(d.PodLabels)).ToList();
            Assert.NotEmpty(pods);
            foreach (var port in service.Spec!["ports"]!.AsArray())
            {
                Assert.Matches(IstioPortName(), (string?)port!["name"]);
                Assert.All(pods, pod => Assert.Contains((string?)port["targetPort"],
                    AppContainer(pod)["ports"]!.AsArray().Select(p => (string?)p!["name"])));
            }
        }
    }

    [Fact]
    public void Gateway_ordering_and_inventory_autoscale_on_their_app_container()
    {
        var autoscalers = App.OfKind("HorizontalPodAutoscaler").ToDictionary(h => (string)h.Spec!["scaleTargetRef"]!["name"]!);

        Assert.Superset(new HashSet<string> { "gateway", "ordering", "inventory" }, autoscalers.Keys.ToHashSet());
        foreach (var (target, autoscaler) in autoscalers)
        {
            var deployment = App.Single("Deployment", target);
            Assert.Null(deployment.Spec!["replicas"]);   // the HPA owns the count; an upgrade must not reset it
            Assert.Equal("app", (string?)autoscaler.Spec!["metrics"]![0]!["containerResource"]!["container"]);
            Assert.NotNull(AppContainer(deployment)["resources"]!["requests"]!["cpu"]);
        }
    }

    [Fact]
    public void Every_service_has_an_account_and_a_disruption_budget_for_its_pods()
    {
        foreach (var deployment in App.OfKind("Deployment"))
        {
            var budget = App.OfKind("PodDisruptionBudget")
                .SingleOrDefault(b => Manifest.Labels(b.Spec!["selector"]!["matchLabels"]).Selects(deployment.PodLabels));
            Assert.True(budget is not null, $"no PodDisruptionBudget covers {deployment}");
            App.Single("ServiceAccount", (string)deployment.PodTemplate["spec"]!["serviceAccountName"]!);
        }
    }

    [Fact]
    public void Credentials_never_come_from_values_files()
    {
        var values = Chart.All.SelectMany(chart => chart.ProfileNames.Select(profile =>
            profile == Chart.DefaultProfile ? Path.Combine(chart.Directory, "values.yaml") : Path.Combine(chart.Directory, $"values-{profile}.yaml")));

        Assert.All(values, file => Assert.DoesNotMatch(SecretKey(), Repository.Read(file)));
        Assert.All(Chart.Infra.Render().OfKind("Secret"), secret => Assert.Contains(secret.Name,
            new[] { "postgres-credentials", "redis-credentials", "flashsale-postgres-connection", "flashsale-redis" }));
    }

    private static JsonObject AppContainer(Manifest deployment) => deployment.Containers.Single(c => (string?)c["name"] == "app");

    [GeneratedRegex("^[a-z0-9./_-]+:(?!latest$)[A-Za-z0-9._-]+$")]
    private static partial Regex PinnedImage();

    [GeneratedRegex("^(http|http2|https|grpc|grpc-web|tcp|tls)(-[a-z0-9-]+)?$")]
    private static partial Regex IstioPortName();

    [GeneratedRegex(@"(?im)^\s*[a-z]*(password|passwd|connectionstring|token)\s*:\s*\S")]
    private static partial Regex SecretKey();
}

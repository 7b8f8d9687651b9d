using System.Text.Json.Nodes;
using FlashSale.Deployment.Tests.Support;

namespace FlashSale.Deployment.Tests;

/// <summary>
/// The laptop profile fits a laptop: the requests of every pod of every release skaffold.yaml installs, with the
/// sidecars injected into them, stay within 3 CPUs and 6 GiB, leaving a 4-CPU / 8 GiB Docker room for kind's control
/// plane, autoscaling and `skaffold dev` surges. Our charts are rendered; upstream charts (not in this repository) are
/// described by charts/upstream/pods.yaml and sized by our values files. A release, pod or container whose requests
/// are not declared fails the test, so nothing added later escapes the count.
/// </summary>
public sealed class LaptopBudgetTests
{
    private const long CpuBudgetMilli = 3000;
    private const long MemoryBudgetBytes = 6L << 30;

    /// <summary>Kinds that run no pods of their own (configuration, policies, CRs a controller only reads).</summary>
    private static readonly HashSet<string> PodlessKinds =
    [
        "Namespace", "Service", "ServiceAccount", "ConfigMap", "Secret", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding",
        "PodDisruptionBudget", "HorizontalPodAutoscaler", "NetworkPolicy", "PersistentVolumeClaim",
        "Component", "Configuration", "Resiliency", "Subscription",
        "Gateway", "VirtualService", "DestinationRule", "PeerAuthentication", "AuthorizationPolicy", "RequestAuthentication",
        "KafkaTopic", "KafkaUser", "PodMonitor", "ServiceMonitor", "PrometheusRule",
    ];

    private readonly ITestOutputHelper? _output = TestContext.Current.TestOutputHelper;

    [Fact]
    public void Every_release_of_the_laptop_profile_together_requests_at_most_3_cpus_and_6_gib()
    {
        var pods = Skaffold.Releases().SelectMany(PodsOf).ToList();
        var cpu = pods.Sum(p => p.Replicas * p.CpuMilli);
        var memory = pods.Sum(p => p.Replicas * p.MemoryBytes);

        _output?.WriteLine($"{"release",-22} {"pod",-34} {"x",2} {"cpu",7} {"memory",9}  containers");
        foreach (var pod in pods)
        {
            _output?.WriteLine($"{pod.Release,-22} {pod.Name,-34} {pod.Replicas,2} {pod.Replicas * pod.CpuMilli,6}m {(pod.Replicas * pod.MemoryBytes) >> 20,6}Mi  {pod.Containers}");
        }

        _output?.WriteLine($"{"total",-22} {"",-34} {pods.Sum(p => p.Replicas),2} {cpu,6}m {memory >> 20,6}Mi  (budget {CpuBudgetMilli}m, {MemoryBudgetBytes >> 20}Mi)");
        foreach (var release in pods.GroupBy(p => p.Release))
        {
            _output?.WriteLine($"  {release.Key,-20} {release.Sum(p => p.Replicas * p.CpuMilli),6}m {release.Sum(p => p.Replicas * p.MemoryBytes) >> 20,6}Mi");
        }

        Assert.True(cpu <= CpuBudgetMilli, $"the laptop profile requests {cpu}m CPU, more than {CpuBudgetMilli}m");
        Assert.True(memory <= MemoryBudgetBytes, $"the laptop profile requests {memory >> 20}Mi, more than {MemoryBudgetBytes >> 20}Mi");
    }

    [Fact]
    public void Every_upstream_release_is_described_in_pods_yaml_with_values_keys_that_exist()
    {
        var described = Yaml.ParseFile("charts", "upstream", "pods.yaml")["releases"]!.AsObject().Select(p => p.Key).ToHashSet();
        var upstream = Skaffold.Releases().Where(r => r["remoteChart"] is not null).Select(r => (string)r["name"]!).ToHashSet();

        Assert.Equal(upstream.Order(StringComparer.Ordinal), described.Order(StringComparer.Ordinal));
        foreach (var profile in new string?[] { null, "production" })
        {
            foreach (var release in upstream)
            {
                Assert.All(UpstreamPods(release, profile), pod => Assert.True(pod.Replicas > 0, $"{release} {pod.Name} runs no replica"));
            }
        }
    }

    private sealed record Pod(string Release, string Name, int Replicas, long CpuMilli, long MemoryBytes, string Containers);

    private IEnumerable<Pod> PodsOf(JsonObject release)
    {
        var name = (string)release["name"]!;
        return release["chartPath"] is not null
            ? RenderedPods(name, Chart.All.Single(c => $"charts/{c.Name}" == (string?)release["chartPath"]))
            : UpstreamPods(name, profile: null);
    }

    private static IEnumerable<Pod> RenderedPods(string release, Chart chart)
    {
        var manifests = chart.Render();
        var injected = InjectedNamespaces();
        foreach (var manifest in manifests)
        {
            var podName = $"{manifest.Kind}/{manifest.Name}";
            switch (manifest.Kind)
            {
                case "Deployment" or "StatefulSet" or "DaemonSet" or "Job":
                    var spec = manifest.PodTemplate["spec"]!;
                    var containers = spec["containers"]!.AsArray().OfType<JsonObject>()
                        .Select(c => Requests($"{release} {podName} container {c["name"]}", c["resources"], (string)c["name"]!)).ToList();
                    var namespaceName = manifest.Namespace ?? chart.Namespace;
                    if (injected.Contains(namespaceName) && manifest.PodLabels.GetValueOrDefault("sidecar.istio.io/inject") != "false")
                    {
                        containers.Add(IstioProxy(release, podName, manifest.PodAnnotations));
                    }

                    if (manifest.PodAnnotations.GetValueOrDefault("dapr.io/enabled") == "true")
                    {
                        containers.Add(Daprd(release, podName, manifest.PodAnnotations));
                    }

                    // Init containers run before the others: they count only where one needs more than all of these
                    // (istio-init asks what istio-proxy asks).
                    var init = (spec["initContainers"]?.AsArray() ?? []).OfType<JsonObject>()
                        .Select(c => Requests($"{release} {podName} init container {c["name"]}", c["resources"], (string)c["name"]!)).ToList();
                    var cpu = Math.Max(containers.Sum(c => c.Cpu), init.Select(c => c.Cpu).DefaultIfEmpty().Max());
                    var memory = Math.Max(containers.Sum(c => c.Memory), init.Select(c => c.Memory).DefaultIfEmpty().Max());
                    yield return new Pod(release, podName, ReplicasAtIdle(manifest, manifests), cpu, memory, string.Join(", ", containers.Select(c => c.Name)));
                    break;
                case "KafkaNodePool":
                    var pool = Requests($"{release} {podName}", manifest.Spec!["resources"], "kafka");
                    yield return new Pod(release, $"kafka pool {manifest.Name}", (int)manifest.Spec!["replicas"]!, pool.Cpu, pool.Memory, "kafka");
                    break;
                case "Kafka":
                    // Strimzi's entity operator: one pod, a container per operator the Kafka resource configures.
                    var operators = (manifest.Spec!["entityOperator"]?.AsObject() ?? [])
                        .Where(pair => pair.Key is "topicOperator" or "userOperator")
                        .Select(pair => Requests($"{release} {podName} {pair.Key}", pair.Value!["resources"], pair.Key)).ToList();
                    if (operators.Count > 0)
                    {
                        yield return new Pod(release, $"{manifest.Name}-entity-operator", 1, operators.Sum(o => o.Cpu), operators.Sum(o => o.Memory),
                            string.Join(", ", operators.Select(o => o.Name)));
                    }

                    // Strimzi's Kafka Exporter: a Deployment of one pod (consumer lag per group, topic and partition).
                    if (manifest.Spec!["kafkaExporter"] is { } exporter)
                    {
                        var lag = Requests($"{release} {podName} kafkaExporter", exporter["resources"], "kafka-exporter");
                        yield return new Pod(release, $"{manifest.Name}-kafka-exporter", 1, lag.Cpu, lag.Memory, lag.Name);
                    }

                    Assert.True(manifest.Spec!["cruiseControl"] is null, $"{release} {podName} runs Cruise Control: count its pod here");
                    break;
                case "OpenTelemetryCollector":
                    var collector = Requests($"{release} {podName}", manifest.Spec!["resources"], "otc-container");
                    yield return new Pod(release, podName, (int?)manifest.Spec!["replicas"] ?? 1, collector.Cpu, collector.Memory, collector.Name);
                    break;
                default:
                    Assert.True(PodlessKinds.Contains(manifest.Kind),
                        $"{release} renders {podName}: unknown whether that kind runs pods; count its requests in {nameof(LaptopBudgetTests)}");
                    break;
            }
        }
    }

    private static IEnumerable<Pod> UpstreamPods(string release, string? profile)
    {
        var description = Yaml.ParseFile("charts", "upstream", "pods.yaml")["releases"]![release];
        Assert.True(description is not null, $"upstream release {release} is not in charts/upstream/pods.yaml: its pods' requests are undeclared");
        var values = MeshPolicyTests.UpstreamValues(release, profile);
        foreach (var pod in description["pods"]!.AsArray().OfType<JsonObject>())
        {
            var podName = (string)pod["name"]!;
            var containers = pod["containers"]!.AsArray().OfType<JsonObject>().Select(container =>
            {
                var key = (string)container["resources"]!;
                return Requests($"{release} {podName} container {container["name"]} (values key {key}, files {string.Join(", ", Skaffold.ValuesFiles(release, profile))})",
                    Yaml.At(values, key), (string)container["name"]!);
            }).ToList();
            yield return new Pod(release, podName, Replicas(pod["replicas"]!, values), containers.Sum(c => c.Cpu), containers.Sum(c => c.Memory),
                string.Join(", ", containers.Select(c => c.Name)));
        }
    }

    /// <summary>pods.yaml's replicas: a number, {key, default} or {if, then, else}.</summary>
    private static int Replicas(JsonNode replicas, JsonObject values) => replicas switch
    {
        JsonValue number => (int)number,
        JsonObject { } condition when condition["if"] is { } test => Replicas(Flag(test, values) ? condition["then"]! : condition["else"]!, values),
        JsonObject { } key => (int?)Yaml.At(values, (string)key["key"]!) ?? (int)key["default"]!,
        _ => throw new InvalidOperationException($"cannot read replicas {replicas}"),
    };

    private static bool Flag(JsonNode test, JsonObject values) => (bool?)Yaml.At(values, (string)test["key"]!) ?? (bool)test["default"]!;

    private sealed record Container(string Name, long Cpu, long Memory);

    private static Container Requests(string what, JsonNode? resources, string name)
    {
        var requests = resources?["requests"];
        var cpu = requests?["cpu"]?.ToString();
        var memory = requests?["memory"]?.ToString();
        Assert.True(cpu is not null && memory is not null, $"{what} declares no CPU and memory requests");
        return new Container(name, Quantity.MilliCpu(cpu), Quantity.Bytes(memory));
    }

    /// <summary>The Envoy sidecar: the pod's sidecar.istio.io/proxy* annotations, else istiod's global.proxy.resources.</summary>
    private static Container IstioProxy(string release, string pod, IReadOnlyDictionary<string, string> annotations)
    {
        if (annotations.TryGetValue("sidecar.istio.io/proxyCPU", out var cpu) | annotations.TryGetValue("sidecar.istio.io/proxyMemory", out var memory))
        {
            Assert.True(cpu is not null && memory is not null, $"{release} {pod} sets only one of sidecar.istio.io/proxyCPU and proxyMemory");
            return new Container("istio-proxy", Quantity.MilliCpu(cpu), Quantity.Bytes(memory));
        }

        return Requests($"{release} {pod} istio-proxy (istiod's global.proxy.resources)",
            Yaml.At(MeshPolicyTests.UpstreamValues("istiod"), "global.proxy.resources"), "istio-proxy");
    }

    private static Container Daprd(string release, string pod, IReadOnlyDictionary<string, string> annotations)
    {
        var cpu = annotations.GetValueOrDefault("dapr.io/sidecar-cpu-request");
        var memory = annotations.GetValueOrDefault("dapr.io/sidecar-memory-request");
        Assert.True(cpu is not null && memory is not null, $"{release} {pod} runs daprd without dapr.io/sidecar-cpu-request and -memory-request");
        return new Container("daprd", Quantity.MilliCpu(cpu), Quantity.Bytes(memory));
    }

    /// <summary>Replicas at idle: the HPA's minimum when one scales it, else spec.replicas (a Job's parallelism).</summary>
    private static int ReplicasAtIdle(Manifest workload, IReadOnlyList<Manifest> manifests)
    {
        var autoscaler = manifests.OfKind("HorizontalPodAutoscaler").SingleOrDefault(h =>
            (string?)h.Spec!["scaleTargetRef"]!["kind"] == workload.Kind && (string?)h.Spec!["scaleTargetRef"]!["name"] == workload.Name);
        return autoscaler is not null ? (int?)autoscaler.Spec!["minReplicas"] ?? 1
            : workload.Kind == "Job" ? (int?)workload.Spec!["parallelism"] ?? 1
            : workload.Kind == "DaemonSet" ? 1   // kind-cluster.yaml: one node
            : (int?)workload.Spec!["replicas"] ?? 1;
    }

    /// <summary>Namespaces labelled for Istio sidecar injection by one of our charts.</summary>
    private static HashSet<string> InjectedNamespaces() => Chart.All.SelectMany(c => c.Render()).OfKind("Namespace")
        .Where(n => Manifest.Labels(n.Document["metadata"]!["labels"]).GetValueOrDefault("istio-injection") == "enabled")
        .Select(n => n.Name)
        .ToHashSet();
}

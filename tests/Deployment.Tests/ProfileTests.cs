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
        var routes = manifests.Single("VirtualService", "catalog").Spec!["http"]!.AsArray().OfType<JsonObject>().ToList();
        var pinned = routes.First(r => ((string?)r["name"])!.StartsWith("catalog-pinned-to-v2", StringComparison.Ordinal));
        var weighted = routes[^1]["route"]!.AsArray();

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

    [Theory]
    [InlineData("flashsale")]
    [InlineData("flashsale-infra")]
    public void The_production_profile_alone_is_refused_until_the_site_supplies_its_required_values(string chart)
    {
        // Every external endpoint (hosts, certificates, tracing backend, CA) is the site's to give, never a guess.
        var result = Helm.Template(Chart.Named(chart), "production", withSiteValues: false);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Matches("is required", result.Error);
        Assert.Equal(0, Helm.Template(Chart.Named(chart), "production").ExitCode);
    }

    [Fact]
    public void A_production_render_reaches_only_services_the_production_infra_render_creates()
    {
        // values-production.yaml of the infra chart disables its Redis and PostgreSQL: nothing of the app may still
        // point at them (order-query's store would fail to load and the pod crash-loop).
        var infra = Chart.Infra.Render("production");
        var created = infra.OfKind("Service").Select(s => s.Name)
            .Concat(infra.OfKind("Kafka").SelectMany(k => new[] { $"{k.Name}-kafka-bootstrap", $"{k.Name}-kafka-brokers" }))
            .Concat(infra.OfKind("OpenTelemetryCollector").Select(c => $"{c.Name}-collector"))
            .ToHashSet();
        var infraNamespace = Chart.Infra.Namespace;
        var documents = Chart.App.Render("production").Select(m => m.Document.ToJsonString())
            .Concat(Skaffold.Releases().Where(r => r["remoteChart"] is not null)
                .Select(r => MeshPolicyTests.UpstreamValues((string)r["name"]!, "production").ToJsonString()));
        var references = documents
            .SelectMany(text => System.Text.RegularExpressions.Regex.Matches(text, $@"\b(?<name>[a-z0-9-]+)\.{infraNamespace}\.svc(\.cluster\.local)?\b"))
            .Select(match => match.Groups["name"].Value)
            .ToHashSet();

        Assert.NotEmpty(references);
        Assert.All(references, name => Assert.True(created.Contains(name), $"production points at {name}.{infraNamespace}, which the production infra render does not create"));
        // What lives outside the infra chart (managed databases) comes from Secrets the site creates, not from values.
        var redis = Chart.App.Render("production").Single("Component", "orderview-store").Spec!["metadata"]!.AsArray();
        Assert.NotNull(redis.Single(m => (string?)m!["name"] == "redisHost")!["secretKeyRef"]);
    }

    [Fact]
    public void The_production_profile_overrides_every_laptop_only_upstream_setting()
    {
        var metricsServer = MeshPolicyTests.UpstreamValues("metrics-server", "production");
        var istiod = MeshPolicyTests.UpstreamValues("istiod", "production");
        var ingress = MeshPolicyTests.UpstreamValues("istio-ingressgateway", "production");

        Assert.DoesNotContain("--kubelet-insecure-tls", metricsServer["args"]?.AsArray().Select(a => (string?)a) ?? []);
        Assert.True((double?)Yaml.At(istiod, "pilot.traceSampling") <= 10, "production traces more than 10 % of requests");
        Assert.True((int?)Yaml.At(istiod, "pilot.autoscaleMin") >= 2 || (int?)Yaml.At(istiod, "pilot.replicaCount") >= 2, "one istiod in production");
        Assert.NotEqual("NodePort", (string?)Yaml.At(ingress, "service.type"));
        Assert.DoesNotContain(ingress["service"]!["ports"]!.AsArray(), p => p!["nodePort"] is not null);
        Assert.Equal(true, (bool?)Yaml.At(MeshPolicyTests.UpstreamValues("dapr", "production"), "global.ha.enabled"));
        // Each upstream release with a laptop values file gets a production one.
        foreach (var release in Skaffold.Releases().Where(r => r["remoteChart"] is not null && r["valuesFiles"] is not null))
        {
            var name = (string)release["name"]!;
            Assert.True(Skaffold.ValuesFiles(name, "production").Count > Skaffold.ValuesFiles(name).Count,
                $"the production profile keeps {name}'s laptop values only");
        }
    }

    [Fact]
    public void Production_kafka_accepts_only_tls_with_scram_and_every_app_is_a_kafka_user()
    {
        var infra = Chart.Infra.Render("production");
        var kafka = Assert.Single(infra.OfKind("Kafka")).Spec!["kafka"]!;
        var users = infra.OfKind("KafkaUser").ToDictionary(u => u.Name);
        var pubsubApps = Chart.App.Render("production").Single("Component", "pubsub").Document["scopes"]!.AsArray().Select(s => (string)s!);

        Assert.All(kafka["listeners"]!.AsArray(), listener =>
        {
            Assert.Equal(true, (bool?)listener!["tls"]);
            Assert.Equal("scram-sha-512", (string?)listener["authentication"]?["type"]);
        });
        Assert.Equal("simple", (string?)kafka["authorization"]?["type"]);
        Assert.Equal(pubsubApps.Order(StringComparer.Ordinal), users.Keys.Order(StringComparer.Ordinal));
        Assert.All(users.Values, user =>
        {
            Assert.Equal(Chart.App.Namespace, user.Namespace);
            Assert.Equal("scram-sha-512", (string?)user.Spec!["authentication"]!["type"]);
        });
        // The User Operator keeps the users' password Secrets where the sidecars read them.
        Assert.Equal(Chart.App.Namespace, (string?)Assert.Single(infra.OfKind("Kafka")).Spec!["entityOperator"]!["userOperator"]!["watchedNamespace"]);
        foreach (var deployment in Chart.App.Render("production").OfKind("Deployment").Where(d => pubsubApps.Contains(d.PodAnnotations["dapr.io/app-id"])))
        {
            Assert.Equal($"KAFKA_SASL_PASSWORD={deployment.PodAnnotations["dapr.io/app-id"]}:password", deployment.PodAnnotations["dapr.io/env-from-secret"]);
        }
    }

    [Fact]
    public void Each_app_may_write_only_its_own_topics_and_read_what_it_subscribes_to()
    {
        var users = Chart.Infra.Render("production").OfKind("KafkaUser").ToDictionary(u => u.Name);

        Assert.NotEmpty(users);
        foreach (var (app, user) in users)
        {
            var acls = user.Spec!["authorization"]!["acls"]!.AsArray().OfType<JsonObject>().ToList();
            HashSet<string> Topics(string operation) => acls
                .Where(a => (string?)a["resource"]!["type"] == "topic" && a["operations"]!.AsArray().Any(o => (string?)o == operation))
                .Select(a => (string)a["resource"]!["name"]!).ToHashSet();
            var subscribed = ServiceSources.SubscribedTopics(app);
            // Its events, and the dead-letter topics daprd fills for what it consumes.
            var writes = ServiceSources.PublishedTopics(app).Concat(subscribed.Select(t => $"{t}.deadletter")).ToHashSet();
            var reads = subscribed.ToHashSet();

            Assert.True(writes.SetEquals(Topics("Write")), $"{app} may write {string.Join(", ", Topics("Write").Order())}; its code needs {string.Join(", ", writes.Order())}");
            Assert.True(reads.SetEquals(Topics("Read")), $"{app} may read {string.Join(", ", Topics("Read").Order())}; its code needs {string.Join(", ", reads.Order())}");
            Assert.All(acls, a => Assert.Equal("literal", (string?)a["resource"]!["patternType"]));
            var groups = acls.Where(a => (string?)a["resource"]!["type"] == "group").Select(a => (string)a["resource"]!["name"]!);
            Assert.Equal(reads.Count > 0 ? [app] : [], groups);
        }
    }

    [Fact]
    public void Kafka_carries_no_annotation_strimzi_ignores()
    {
        // KRaft and node pools are the only mode since Strimzi 0.48; the annotations that once enabled them are ignored.
        foreach (var profile in Chart.Infra.ProfileNames)
        {
            var annotations = Manifest.Labels(Assert.Single(Chart.Infra.Render(profile).OfKind("Kafka")).Document["metadata"]!["annotations"]);
            Assert.DoesNotContain("strimzi.io/node-pools", annotations.Keys);
            Assert.DoesNotContain("strimzi.io/kraft", annotations.Keys);
        }
    }

    [Fact]
    public void The_laptop_brokers_ephemeral_storage_holds_what_every_partition_may_keep()
    {
        // An emptyDir that outgrows its sizeLimit gets the broker pod evicted. Kafka deletes whole segments only, so a
        // partition may hold its retention.bytes plus an active segment, plus one segment it has not deleted yet.
        var manifests = Chart.Infra.Render();
        var storage = Assert.Single(manifests.OfKind("KafkaNodePool")).Spec!["storage"]!;
        Assert.Equal("ephemeral", (string?)storage["type"]);
        var size = Quantity.Bytes((string)storage["sizeLimit"]!);
        var worstCase = manifests.OfKind("KafkaTopic").Sum(topic =>
        {
            var config = topic.Spec!["config"]!;
            var retention = (long?)config["retention.bytes"] ?? -1;
            var segment = (long?)config["segment.bytes"] ?? 1L << 30;
            Assert.True(retention > 0, $"{topic} keeps unbounded bytes on an ephemeral volume");
            return (long)topic.Spec!["partitions"]! * (retention + 2 * segment);
        });

        Assert.True(worstCase <= size * 0.8, $"the topics may keep {worstCase >> 20} MiB on a {size >> 20} MiB emptyDir");
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

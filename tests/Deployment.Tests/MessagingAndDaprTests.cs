using System.Text.Json.Nodes;
using FlashSale.Deployment.Tests.Support;

namespace FlashSale.Deployment.Tests;

/// <summary>Topics, Dapr components and resiliency: what the code uses exists, is declared and is scoped right.</summary>
public sealed class MessagingAndDaprTests
{
    private const string PubSub = "pubsub";

    private static IReadOnlyList<Manifest> App => Chart.App.Render();

    private static IReadOnlyList<Manifest> Infra => Chart.Infra.Render();

    private static IReadOnlyList<Manifest> Components => App.OfKind("Component").ToList();

    private static string InfraNamespace => Chart.Infra.Namespace;

    [Fact]
    public void Every_contract_topic_and_its_dead_letter_topic_is_declared_in_kafka_and_in_compose()
    {
        var declared = KafkaTopics();
        var compose = ComposeTopics();

        Assert.NotEmpty(ServiceSources.Topics);
        foreach (var topic in ServiceSources.Topics.Values.SelectMany(t => new[] { t, $"{t}.deadletter" }))
        {
            Assert.Contains(topic, declared.Keys);
            Assert.Contains(topic, compose.Keys);
            Assert.Equal(declared[topic], compose[topic]);
        }
    }

    [Fact]
    public void Every_event_record_names_a_topic_of_the_contracts() =>
        Assert.All(ServiceSources.Events, pair => Assert.Contains(pair.Value, ServiceSources.Topics.Values));

    [Fact]
    public void No_state_store_relays_through_daprs_outbox()
    {
        // daprd's outbox relay waits 1 s per message per partition of its internal topic (pkg/runtime/pubsub/outbox.go):
        // ordering keeps its own outbox instead (docs/adr/0019), so no component may switch Dapr's on by accident.
        Assert.All(Components.Concat(App.OfKind("Component")), component =>
            Assert.Null(MetadataValue(component, "outboxPublishTopic")));
        Assert.DoesNotContain(KafkaTopics().Keys, topic => topic.EndsWith("outbox", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_published_topic_has_a_subscriber_and_every_subscription_a_publisher()
    {
        var publishers = Repository.ServiceFolders.SelectMany(s => ServiceSources.PublishedTopics(s).Select(t => (Topic: t, Service: s))).ToList();
        var subscribers = Repository.ServiceFolders.SelectMany(s => ServiceSources.SubscribedTopics(s).Select(t => (Topic: t, Service: s))).ToList();
        Assert.SkipWhen(publishers.Count == 0 && subscribers.Count == 0,
            "no service constructs an integration event or maps a topic subscription yet (stub services); nothing to pair");

        var problems = publishers
            .Where(p => !subscribers.Any(s => s.Topic == p.Topic && s.Service != p.Service))
            .Select(p => $"{p.Service} publishes to '{p.Topic}' but no other service subscribes to it")
            .Concat(subscribers
                .Where(s => !publishers.Any(p => p.Topic == s.Topic))
                .Select(s => $"{s.Service} subscribes to '{s.Topic}' but no service publishes to it"))
            .Distinct()
            .ToList();

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Every_store_or_pubsub_a_service_uses_exists_and_is_scoped_to_it()
    {
        var usages = Repository.ServiceFolders
            .SelectMany(service => ServiceSources.StoreNames(service)
                .Concat(ServiceSources.UsesPubSub(service) ? [PubSub] : [])
                .Select(component => (Service: service, Component: component)))
            .ToList();
        Assert.SkipWhen(usages.Count == 0,
            "no service names a Dapr store or uses pub/sub in its code yet (stub services); nothing to check");

        var problems = usages
            .Select(usage => Components.SingleOrDefault(c => c.Name == usage.Component) switch
            {
                null => $"{usage.Service} uses Dapr component '{usage.Component}', which the chart does not deploy",
                var c when !Scopes(c).Contains(usage.Service) => $"{usage.Service} uses '{usage.Component}', which is scoped to {string.Join(", ", Scopes(c))} only",
                _ => null,
            })
            .OfType<string>()
            .ToList();

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Each_state_store_is_scoped_to_exactly_one_service_and_inventory_owns_the_only_actor_store()
    {
        var stores = Components.Where(c => ((string?)c.Spec?["type"])?.StartsWith("state.", StringComparison.Ordinal) == true).ToList();
        var actorStores = stores.Where(s => MetadataValue(s, "actorStateStore") == "true").ToList();

        Assert.All(stores, store => Assert.Single(Scopes(store)));
        Assert.Equal(["inventory"], Assert.Single(actorStores).Document["scopes"]!.AsArray().Select(s => (string?)s));
        Assert.Equal("state.redis", (string?)Components.Single("Component", "orderview-store").Spec!["type"]);
        Assert.All(stores.Where(s => s.Name != "orderview-store"), s => Assert.Equal("state.postgresql", (string?)s.Spec!["type"]));
    }

    [Fact]
    public void The_chart_components_match_the_components_folder()
    {
        var local = Directory.EnumerateFiles(Repository.PathOf("components"), "*.yaml")
            .SelectMany(file => Yaml.ParseAll(File.ReadAllText(file)))
            .Select(node => new Manifest(node.AsObject()))
            .Where(m => m.Kind == "Component" && !((string?)m.Spec!["type"])!.StartsWith("secretstores.", StringComparison.Ordinal))
            .ToDictionary(m => m.Name);
        string[] sameEverywhere = ["tableName", "metadataTableName", "outboxPublishPubsub", "outboxPublishTopic", "outboxDiscardWhenMissingState",
            "actorStateStore", "consumerGroup", "clientID", "authType", "initialOffset", "disableTls", "enableTLS"];

        Assert.Equal(local.Keys.Order(StringComparer.Ordinal), Components.Select(c => c.Name).Order(StringComparer.Ordinal));
        foreach (var component in Components)
        {
            var twin = local[component.Name];
            Assert.Equal((string?)twin.Spec!["type"], (string?)component.Spec!["type"]);
            Assert.Equal((string?)twin.Spec!["version"], (string?)component.Spec!["version"]);
            Assert.Equal(Scopes(twin), Scopes(component));
            Assert.Equal(MetadataNames(twin), MetadataNames(component));
            foreach (var name in sameEverywhere.Where(MetadataNames(component).Contains))
            {
                Assert.Equal(MetadataValue(twin, name), MetadataValue(component, name));
            }
        }
    }

    [Theory]
    [InlineData(Chart.DefaultProfile)]
    [InlineData("production")]
    public void Components_reach_the_infrastructure_the_infra_chart_deploys(string profile)
    {
        var infra = Chart.Infra.Render(Chart.Infra.ProfileNames.Contains(profile) ? profile : Chart.DefaultProfile);
        var components = Chart.App.Render(profile).OfKind("Component").ToList();
        var kafka = infra.Single("Kafka", (string)Chart.Infra.DefaultValues["kafka"]!["name"]!);
        var pubsub = components.Single("Component", PubSub);
        var listener = Assert.Single(kafka.Spec!["kafka"]!["listeners"]!.AsArray())!;
        var authentication = (string?)listener["authentication"]?["type"];

        // The brokers address is the listener's, and the component speaks what the listener demands.
        Assert.Equal($"{kafka.Name}-kafka-bootstrap.{InfraNamespace}.svc.cluster.local:{listener["port"]}", MetadataValue(pubsub, "brokers"));
        Assert.Equal((bool)listener["tls"]! ? "false" : "true", MetadataValue(pubsub, "disableTls"));
        Assert.Equal(authentication is null ? "none" : "password", MetadataValue(pubsub, "authType"));
        if (authentication == "scram-sha-512")
        {
            Assert.Equal("SHA-512", MetadataValue(pubsub, "saslMechanism"));
            Assert.Equal("{appID}", MetadataValue(pubsub, "saslUsername"));
            Assert.NotNull(Metadata(pubsub, "caCert")?["secretKeyRef"]);
        }

        if (profile != Chart.DefaultProfile)
        {
            return;
        }

        // On a laptop the infra chart creates every secret a component reads, with that key, in the app's namespace,
        // and the Redis address in it is the infra chart's Redis.
        foreach (var reference in components.SelectMany(c => c.Spec!["metadata"]!.AsArray()).Select(m => m!["secretKeyRef"]).OfType<JsonObject>())
        {
            var secret = infra.OfKind("Secret").SingleOrDefault(s => s.Name == (string?)reference["name"] && s.Namespace == Chart.App.Namespace);
            Assert.True(secret is not null, $"no Secret {reference["name"]} in namespace {Chart.App.Namespace}");
            Assert.NotNull(secret.Document["stringData"]?[(string)reference["key"]!]);
        }

        var redisHost = Metadata(components.Single("Component", "orderview-store"), "redisHost")!["secretKeyRef"]!;
        var redis = infra.Single("Service", "redis");
        Assert.Equal($"redis.{InfraNamespace}.svc.cluster.local:{redis.Spec!["ports"]![0]!["port"]}",
            (string?)infra.Single("Secret", (string)redisHost["name"]!).Document["stringData"]![(string)redisHost["key"]!]);
    }

    [Theory]
    [MemberData(nameof(AppProfiles))]
    public void State_stores_sharing_a_database_each_have_their_own_metadata_table(string profile)
    {
        // state.postgresql v1 records its schema version under one key of its metadata table; two stores sharing that
        // table in one database would let the second skip creating its own state table (components-contrib
        // common/component/sql/migrations.go).
        var stores = Chart.App.Render(profile).OfKind("Component").Where(c => (string?)c.Spec!["type"] == "state.postgresql").ToList();
        var local = LocalComponents().Where(c => (string?)c.Spec!["type"] == "state.postgresql").ToList();

        foreach (var set in new[] { stores, local })
        {
            Assert.NotEmpty(set);
            foreach (var database in set.GroupBy(DatabaseOf))
            {
                var tables = database.Select(store => MetadataValue(store, "metadataTableName") ?? "dapr_metadata").ToList();
                Assert.True(tables.Distinct().Count() == tables.Count,
                    $"stores {string.Join(", ", database.Select(s => s.Name))} share one database and the metadata table(s) {string.Join(", ", tables)}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(AppProfiles))]
    public void Deliveries_to_subscribers_have_no_circuit_breaker(string profile)
    {
        // daprd treats an open inbound breaker as a permanent failure: every delivery is dead-lettered while it is open
        // (pkg/resiliency/policy.go, pkg/runtime/subscription). Component breakers are keyed by component name, so an
        // inbound one would also fail the outbox's publishes fast.
        foreach (var resiliency in new[] { Assert.Single(Chart.App.Render(profile).OfKind("Resiliency")), new Manifest(Yaml.ParseFile("components", "resiliency.yaml")) })
        {
            var inbound = resiliency.Spec!["targets"]!["components"]![PubSub]!["inbound"]!;
            Assert.Null(inbound["circuitBreaker"]);
            Assert.NotNull(inbound["retry"]);
            Assert.Null(resiliency.Spec!["policies"]!["circuitBreakers"]?["DefaultComponentInboundCircuitBreakerPolicy"]);
        }
    }

    [Fact]
    public void A_change_to_a_dapr_resource_rolls_the_pods_and_nothing_else_does()
    {
        // Running sidecars never reload Components, Resiliency or Configuration.
        static IReadOnlyDictionary<string, string> Checksums(params string[] set) => Helm.Template(Chart.App, Chart.DefaultProfile, [.. set.SelectMany(s => new[] { "--set", s })])
            .Manifests().OfKind("Deployment").ToDictionary(d => d.Name, d => d.PodAnnotations.GetValueOrDefault("checksum/dapr") ?? "");

        var before = Checksums("global.imagePullPolicy=IfNotPresent");
        var resiliency = Checksums("dapr.resiliency.catalog.timeout=3s");
        var unrelated = Checksums("services.catalog.resources.requests.cpu=70m");

        Assert.All(before, pair => Assert.Matches("^[0-9a-f]{64}$", pair.Value));
        Assert.All(before, pair => Assert.NotEqual(pair.Value, resiliency[pair.Key]));
        Assert.Equal(before, unrelated);
    }

    [Fact]
    public void Resiliency_targets_name_real_apps_actors_components_and_policies()
    {
        var resiliency = Assert.Single(App.OfKind("Resiliency"));
        var spec = resiliency.Spec!;
        var policies = spec["policies"]!.AsObject();
        var stockActor = System.Text.RegularExpressions.Regex.Match(
            string.Join('\n', Repository.SourceFiles("Contracts").Select(File.ReadAllText)),
            @"class StockActorType\s*\{[^}]*Name\s*=\s*""(?<name>\w+)""").Groups["name"].Value;

        Assert.Equal(["catalog"], spec["targets"]!["apps"]!.AsObject().Select(p => p.Key));
        Assert.Equal([stockActor], spec["targets"]!["actors"]!.AsObject().Select(p => p.Key));
        Assert.Equal([PubSub], spec["targets"]!["components"]!.AsObject().Select(p => p.Key));
        foreach (var target in new[] { spec["targets"]!["apps"]!["catalog"]!, spec["targets"]!["actors"]![stockActor]!,
                     spec["targets"]!["components"]![PubSub]!["inbound"]!, spec["targets"]!["components"]![PubSub]!["outbound"]! })
        {
            Assert.NotNull(policies["timeouts"]![(string)target["timeout"]!]);
            Assert.NotNull(policies["retries"]![(string)target["retry"]!]);
            if ((string?)target["circuitBreaker"] is { } breaker)
            {
                Assert.NotNull(policies["circuitBreakers"]![breaker]);
            }
        }

        Assert.Equal("grpc", App.Single("Deployment", "catalog").PodAnnotations["dapr.io/app-protocol"]);
    }

    [Fact]
    public void The_components_folder_resiliency_equals_the_charts()
    {
        var local = new Manifest(Yaml.ParseFile("components", "resiliency.yaml"));
        var rendered = Assert.Single(App.OfKind("Resiliency"));

        Assert.Equal(rendered.Name, local.Name);
        Assert.True(JsonNode.DeepEquals(rendered.Spec, local.Spec), "components/resiliency.yaml differs from the chart's Resiliency");
        Assert.True(JsonNode.DeepEquals(rendered.Document["scopes"], local.Document["scopes"]));
    }

    [Fact]
    public void Sidecars_use_a_rendered_configuration_that_traces_to_the_collector()
    {
        var configuration = Assert.Single(App.OfKind("Configuration"));
        var collector = Infra.Single("Service", "otel-collector");
        var otlpPort = collector.Spec!["ports"]!.AsArray().Single(p => (string?)p!["name"] == "grpc-otlp")!["port"];

        Assert.All(App.OfKind("Deployment"), d => Assert.Equal(configuration.Name, d.PodAnnotations["dapr.io/config"]));
        Assert.Equal($"otel-collector.{InfraNamespace}.svc.cluster.local:{otlpPort}", (string?)configuration.Spec!["tracing"]!["otel"]!["endpointAddress"]);
        Assert.Equal(true, (bool?)configuration.Spec!["metrics"]!["enabled"]);
        Assert.Null(configuration.Spec!["mtls"]);   // Dapr mTLS is off at the control plane (ADR 0010), not here
        Assert.Equal(false, (bool?)Yaml.ParseFile("charts", "upstream", "dapr.yaml")["global"]!["mtls"]!["enabled"]);
    }

    public static TheoryData<string> AppProfiles => new(Chart.App.ProfileNames);

    private static IEnumerable<Manifest> LocalComponents() => Directory.EnumerateFiles(Repository.PathOf("components"), "*.yaml")
        .SelectMany(file => Yaml.ParseAll(File.ReadAllText(file)))
        .Select(node => new Manifest(node.AsObject()))
        .Where(m => m.Kind == "Component");

    /// <summary>Which database a store's connection names: the secret (and key) it reads, or its literal value.</summary>
    private static string DatabaseOf(Manifest store) => Metadata(store, "connectionString") switch
    {
        { } item when item["secretKeyRef"] is JsonObject reference => $"{reference["name"]}/{reference["key"]}",
        { } item => item["value"]?.ToString() ?? "",
        null => "",
    };

    private static JsonNode? Metadata(Manifest component, string name) =>
        component.Spec!["metadata"]!.AsArray().SingleOrDefault(m => (string?)m!["name"] == name);

    private static Dictionary<string, int> KafkaTopics() => Infra.OfKind("KafkaTopic")
        .ToDictionary(t => (string?)t.Spec!["topicName"] ?? t.Name, t => (int)t.Spec!["partitions"]!);

    /// <summary>Topics compose.yaml's kafka-topics job creates: `create &lt;topic&gt; &lt;partitions&gt;`.</summary>
    private static Dictionary<string, int> ComposeTopics()
    {
        var script = string.Join('\n', Yaml.ParseFile("compose.yaml")["services"]!["kafka-topics"]!["command"]!.AsArray().Select(c => (string?)c));
        return System.Text.RegularExpressions.Regex.Matches(script, @"\bcreate (?<topic>[a-z0-9.]+) (?<partitions>[0-9]+)")
            .ToDictionary(m => m.Groups["topic"].Value, m => int.Parse(m.Groups["partitions"].Value));
    }

    private static string[] Scopes(Manifest component) =>
        component.Document["scopes"]?.AsArray().Select(s => (string)s!).ToArray() ?? [];

    private static string[] MetadataNames(Manifest component) =>
        component.Spec!["metadata"]!.AsArray().Select(m => (string)m!["name"]!).Order(StringComparer.Ordinal).ToArray();

    private static string? MetadataValue(Manifest component, string name) =>
        component.Spec!["metadata"]!.AsArray().SingleOrDefault(m => (string?)m!["name"] == name)?["value"]?.ToString();
}

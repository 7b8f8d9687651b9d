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
    public void The_outbox_internal_topic_of_every_outbox_store_is_declared()
    {
        var outboxStores = Components.Where(c => MetadataValue(c, "outboxPublishTopic") is not null).ToList();

        Assert.NotEmpty(outboxStores);
        foreach (var store in outboxStores)
        {
            var owner = Assert.Single(Scopes(store));
            var topic = MetadataValue(store, "outboxPublishTopic")!;
            // Dapr names it {namespace}{appID}{topic}outbox; outside Kubernetes the namespace is "default".
            Assert.Contains($"{Chart.App.Namespace}{owner}{topic}outbox", KafkaTopics().Keys);
            Assert.Contains($"default{owner}{topic}outbox", ComposeTopics().Keys);
            Assert.Contains(topic, ServiceSources.Topics.Values);
            Assert.Equal(PubSub, MetadataValue(store, "outboxPublishPubsub"));
            Assert.Contains(owner, Scopes(Components.Single("Component", PubSub)));
        }
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
        string[] sameEverywhere = ["tableName", "outboxPublishPubsub", "outboxPublishTopic", "outboxDiscardWhenMissingState",
            "actorStateStore", "consumerGroup", "clientID", "authType", "initialOffset", "disableTls"];

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

    [Fact]
    public void Components_reach_the_infrastructure_the_infra_chart_deploys()
    {
        var kafka = Infra.Single("Kafka", (string)Chart.Infra.DefaultValues["kafka"]!["name"]!);
        var plain = kafka.Spec!["kafka"]!["listeners"]!.AsArray().Single(l => (bool?)l!["tls"] == false)!;
        var redis = Infra.Single("Service", "redis");

        Assert.Equal($"{kafka.Name}-kafka-bootstrap.{InfraNamespace}.svc.cluster.local:{plain["port"]}",
            MetadataValue(Components.Single("Component", PubSub), "brokers"));
        Assert.Equal($"redis.{InfraNamespace}.svc.cluster.local:{redis.Spec!["ports"]![0]!["port"]}",
            MetadataValue(Components.Single("Component", "orderview-store"), "redisHost"));

        // Every secret a component reads is created, with that key, in the application's namespace.
        foreach (var reference in Components.SelectMany(c => c.Spec!["metadata"]!.AsArray()).Select(m => m!["secretKeyRef"]).OfType<JsonObject>())
        {
            var secret = Infra.OfKind("Secret").SingleOrDefault(s => s.Name == (string?)reference["name"] && s.Namespace == Chart.App.Namespace);
            Assert.True(secret is not null, $"no Secret {reference["name"]} in namespace {Chart.App.Namespace}");
            Assert.NotNull(secret.Document["stringData"]?[(string)reference["key"]!]);
        }
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
            Assert.NotNull(policies["circuitBreakers"]![(string)target["circuitBreaker"]!]);
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

using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlashSale.Deployment.Tests.Support;

namespace FlashSale.Deployment.Tests;

/// <summary>
/// Dashboards and alerts can only show what something emits (docs/adr/0023): every metric they name is one the
/// services declare in services/metrics.json (as the collector's Prometheus exporter names it) or one of the
/// platform's (<see cref="PlatformMetrics"/>). The dashboards are ConfigMaps Grafana's sidecar loads, every alert has
/// a runbook, and the central log pipeline goes through the Kafka topic it declares.
/// </summary>
public sealed partial class ObservabilityTests
{
    /// <summary>What the platform emits, by source, for the names dashboards and alerts may use besides our own.</summary>
    private static readonly Dictionary<string, string[]> PlatformMetrics = new()
    {
        // Envoy, merged by istio-agent on :15020 (charts/flashsale PodMonitor).
        ["istio"] = ["istio_requests_total", "istio_request_duration_milliseconds_bucket"],
        // daprd's metrics port, merged into the same endpoint (prometheus.io annotations).
        ["daprd"] =
        [
            "dapr_component_pubsub_ingress_count", "dapr_component_pubsub_egress_count", "dapr_component_pubsub_ingress_latencies_bucket",
            "dapr_component_state_count", "dapr_resiliency_activations_total",
        ],
        // Strimzi's Kafka Exporter and the brokers' JMX exporter (charts/flashsale-infra templates/kafka-metrics.yaml rules).
        ["kafka"] =
        [
            "kafka_consumergroup_lag", "kafka_topic_partition_current_offset", "kafka_brokers",
            "kafka_server_brokertopicmetrics_messagesin_total", "kafka_server_replicamanager_underreplicatedpartitions",
            "kafka_controller_kafkacontroller_offlinepartitionscount", "kafka_controller_kafkacontroller_activecontrollercount",
        ],
        // kube-state-metrics (kube-prometheus-stack).
        ["kube-state-metrics"] = ["kube_horizontalpodautoscaler_status_current_replicas", "kube_horizontalpodautoscaler_spec_max_replicas"],
        // The services' ASP.NET Core and HttpClient meters (ServiceDefaults), through the collector.
        ["aspnetcore"] =
        [
            "http_server_request_duration_seconds_bucket", "http_server_request_duration_seconds_count",
            "http_client_request_duration_seconds_bucket",
        ],
    };

    /// <summary>The flash-sale dashboard's questions (issue 13): a panel per line, found by title.</summary>
    private static readonly string[] FlashSalePanels =
    [
        "Orders per second", "Units sold vs stock per SKU", "Placement duration p50 / p99", "Saga settle duration p99",
        "Refusals by cause", "Dead-lettered messages", "Consumer lag per group and topic", "HPA replicas per service",
    ];

    [Fact]
    public void Every_metric_a_dashboard_panel_or_an_alert_names_is_declared_by_a_service_or_known_from_the_platform()
    {
        var known = DeclaredPrometheusNames().Concat(PlatformMetrics.Values.SelectMany(names => names)).ToHashSet(StringComparer.Ordinal);
        var queries = AlertExpressions().Concat(Dashboards().SelectMany(dashboard => PanelQueries(dashboard.Json)
            .Select(query => (Where: $"dashboard {dashboard.File} panel '{query.Panel}'", Expr: query.Expr)))).ToList();

        Assert.NotEmpty(queries);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (where, expr) in queries)
        {
            var names = MetricNames(expr);
            Assert.True(names.Count > 0, $"{where}: no metric found in {expr}");
            foreach (var name in names)
            {
                Assert.True(known.Contains(name), $"{where} uses {name}, which neither services/metrics.json nor the platform list declares");
                used.Add(name);
            }
        }

        // The business metrics are on screen: every declared counter, histogram and gauge appears somewhere.
        Assert.All(DeclaredPrometheusNames().Where(name => !name.EndsWith("_count", StringComparison.Ordinal) && !name.EndsWith("_sum", StringComparison.Ordinal)),
            name => Assert.True(used.Contains(name), $"{name} is declared but no dashboard or alert shows it"));
    }

    [Fact]
    public void The_dashboards_are_configmaps_grafanas_sidecar_loads_and_the_flash_sale_one_answers_the_operators_questions()
    {
        var dashboards = Dashboards().ToList();

        Assert.Equal(3, dashboards.Count);
        Assert.Equal(dashboards.Count, dashboards.Select(d => (string?)d.Json["uid"]).Distinct().Count());
        Assert.All(dashboards, dashboard => Assert.All(dashboard.Json["panels"]!.AsArray(), panel =>
            Assert.NotEmpty(panel!["targets"]!.AsArray())));
        var sale = dashboards.Single(d => (string?)d.Json["uid"] == "flashsale-sale").Json;
        var titles = sale["panels"]!.AsArray().Select(p => (string)p!["title"]!).ToList();
        Assert.All(FlashSalePanels, wanted => Assert.Contains(titles, title => title.StartsWith(wanted, StringComparison.Ordinal)));
        // The same files feed Grafana in compose.yaml (local parity).
        Assert.Contains("./charts/flashsale-infra/files/dashboards", Repository.Read("compose.yaml"), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_alert_links_a_runbook_that_docs_operations_md_has()
    {
        var anchors = Repository.Read("docs", "operations.md").Split('\n').Where(line => line.StartsWith('#'))
            .Select(line => Anchor(line.TrimStart('#').Trim())).ToHashSet(StringComparer.Ordinal);
        var alerts = Rules().ToList();

        Assert.True(alerts.Count >= 6, $"only {alerts.Count} alerts");
        Assert.All(alerts, alert =>
        {
            var runbook = (string?)alert.Rule["annotations"]?["runbook_url"];
            Assert.True(runbook?.StartsWith("docs/operations.md#", StringComparison.Ordinal) == true, $"{alert.Rule["alert"]} links no runbook in docs/operations.md");
            Assert.True(anchors.Contains(runbook!.Split('#')[1]), $"{alert.Rule["alert"]}: docs/operations.md has no heading #{runbook.Split('#')[1]}");
        });
        foreach (var wanted in new[] { "FlashSaleDeadLettersAppearing", "FlashSaleConsumerLagGrowing", "FlashSaleSettleSlow", "FlashSaleSoldOutSkuStillReserving", "FlashSaleErrorRatioHigh" })
        {
            Assert.Contains(alerts, alert => (string?)alert.Rule["alert"] == wanted);
        }
    }

    [Fact]
    public void Logs_go_from_the_collector_to_the_logs_topic_and_from_that_topic_into_opensearch_with_bounded_retention()
    {
        var manifests = Chart.Infra.Render();
        var config = Yaml.Parse((string)manifests.Single("ConfigMap", "otel-collector").Document["data"]!["config.yaml"]!).AsObject();
        var pipelines = config["service"]!["pipelines"]!.AsObject();
        var topic = manifests.OfKind("KafkaTopic").Single(t => (string?)t.Spec!["topicName"] == "logs");

        var intake = pipelines["logs"]!;
        Assert.Equal(["otlp"], intake["receivers"]!.AsArray().Select(r => (string)r!));
        var kafkaExporter = (string)Assert.Single(intake["exporters"]!.AsArray())!;
        Assert.Equal("logs", (string?)config["exporters"]![kafkaExporter]!["logs"]!["topic"]);
        var central = pipelines.Single(p => p.Value!["receivers"]!.AsArray().Any(r => ((string)r!).StartsWith("kafka", StringComparison.Ordinal))).Value!;
        var receiver = (string)Assert.Single(central["receivers"]!.AsArray())!;
        Assert.Equal("logs", (string?)config["receivers"]![receiver]!["logs"]!["topic"]);
        Assert.StartsWith("opensearch", (string)Assert.Single(central["exporters"]!.AsArray())!, StringComparison.Ordinal);
        Assert.True(long.Parse(topic.Spec!["config"]!["retention.ms"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture) <= 86_400_000);
        Assert.True((long)topic.Spec!["config"]!["retention.bytes"]! > 0);
        // OpenSearch deletes old indices (the ISM policy the setup Job installs) and the Job ships what it installs.
        var setup = manifests.Single("ConfigMap", "logs-setup").Document["data"]!;
        Assert.Contains("\"delete\"", (string)setup["ism-policy.json"]!, StringComparison.Ordinal);
        Assert.All(new[] { "index-template.json", "ism-policy.json", "index-pattern.json", "saved-search.json" },
            file => JsonNode.Parse((string)setup[file]!));
        // Every record the services write over OTLP carries the order id under this attribute (FlashSale.Messaging.LogScopes).
        Assert.Contains("attributes.OrderId", (string)setup["saved-search.json"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void Kafka_exports_broker_metrics_and_consumer_lag_to_a_podmonitor()
    {
        var manifests = Chart.Infra.Render();
        var kafka = Assert.Single(manifests.OfKind("Kafka"));
        var configMap = (string)kafka.Spec!["kafka"]!["metricsConfig"]!["valueFrom"]!["configMapKeyRef"]!["name"]!;

        Assert.NotNull(manifests.Single("ConfigMap", configMap));
        Assert.NotNull(kafka.Spec!["kafkaExporter"]);
        var monitor = manifests.Single("PodMonitor", "kafka");
        Assert.Equal("tcp-prometheus", (string?)Assert.Single(monitor.Spec!["podMetricsEndpoints"]!.AsArray())!["port"]);
    }

    [Fact]
    public void The_rules_pass_promtool_when_it_is_installed()
    {
        var promtool = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(dir => Path.Combine(dir, "promtool")).FirstOrDefault(File.Exists);
        if (promtool is null)
        {
            Assert.Skip("promtool is not installed");
        }

        var file = Path.Combine(Path.GetTempPath(), $"flashsale-rules-{Guid.NewGuid():N}.json");
        var groups = new JsonArray(Chart.All.SelectMany(chart => chart.Render().OfKind("PrometheusRule"))
            .SelectMany(rule => rule.Spec!["groups"]!.AsArray()).Select(group => group!.DeepClone()).ToArray());
        File.WriteAllText(file, new JsonObject { ["groups"] = groups }.ToJsonString());
        try
        {
            using var process = Process.Start(new ProcessStartInfo(promtool, ["check", "rules", file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>metrics.json's instruments as the collector's Prometheus exporter names them (unit suffix, _total, histogram series).</summary>
    private static IEnumerable<string> DeclaredPrometheusNames()
    {
        var catalog = JsonNode.Parse(Repository.Read("services", "metrics.json"))!;
        foreach (var instrument in catalog["meters"]!.AsArray().SelectMany(meter => meter!["instruments"]!.AsArray()))
        {
            var unit = (string)instrument!["unit"]!;
            var name = ((string)instrument["name"]!).Replace('.', '_') + unit switch
            {
                "s" => "_seconds",
                "ms" => "_milliseconds",
                "By" => "_bytes",
                _ when unit.StartsWith('{') => "",
                _ => throw new InvalidOperationException($"no Prometheus suffix known for unit {unit}"),
            };
            switch ((string)instrument["kind"]!)
            {
                case "counter":
                    yield return name + "_total";
                    break;
                case "histogram":
                    yield return name + "_bucket";
                    yield return name + "_sum";
                    yield return name + "_count";
                    break;
                default:
                    yield return name;
                    break;
            }
        }
    }

    private sealed record Alert(string Chart, JsonNode Rule);

    private static IEnumerable<Alert> Rules() => Chart.All.SelectMany(chart => new[] { Chart.DefaultProfile, "production" }
            .SelectMany(profile => chart.Render(profile).OfKind("PrometheusRule")))
        .SelectMany(rule => rule.Spec!["groups"]!.AsArray().SelectMany(group => group!["rules"]!.AsArray()).Select(r => new Alert(rule.Name, r!)))
        .DistinctBy(alert => (string?)alert.Rule["alert"]);

    private static IEnumerable<(string Where, string Expr)> AlertExpressions() =>
        Rules().Select(alert => ($"alert {alert.Rule["alert"]}", (string)alert.Rule["expr"]!));

    private static IEnumerable<(string File, JsonObject Json)> Dashboards() =>
        Chart.Infra.Render().OfKind("ConfigMap")
            .Where(map => Manifest.Labels(map.Document["metadata"]!["labels"]).GetValueOrDefault("grafana_dashboard") == "1")
            .SelectMany(map => map.Document["data"]!.AsObject().Select(file => (file.Key, JsonNode.Parse((string)file.Value!)!.AsObject())));

    private static IEnumerable<(string Panel, string Expr)> PanelQueries(JsonObject dashboard) =>
        dashboard["panels"]!.AsArray().SelectMany(panel => panel!["targets"]!.AsArray().Select(target => ((string)panel["title"]!, (string)target!["expr"]!)));

    /// <summary>
    /// The metric names of a PromQL expression: what is left of its identifiers once strings, label matchers, ranges,
    /// grouping clauses, function calls and keywords are taken out.
    /// </summary>
    internal static HashSet<string> MetricNames(string expr)
    {
        var stripped = Strings().Replace(expr, "\"\"");
        stripped = Braces().Replace(stripped, " ");
        stripped = Brackets().Replace(stripped, " ");
        stripped = Grouping().Replace(stripped, " ");
        return Identifier().Matches(stripped).Select(match => match.Value)
            .Where(name => !PromQlKeywords.Contains(name))
            .ToHashSet(StringComparer.Ordinal);
    }

    private static readonly HashSet<string> PromQlKeywords = ["and", "or", "unless", "bool", "offset", "inf", "nan"];

    private static string Anchor(string heading) =>
        Regex.Replace(heading.ToLowerInvariant().Replace(' ', '-'), "[^a-z0-9_-]", "");

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    /// <summary>An identifier not followed by an opening parenthesis (a function) and not part of a number.</summary>
    [GeneratedRegex(@"(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*\b(?!\s*\()")]
    private static partial Regex Identifier();
}

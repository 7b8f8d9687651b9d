using System.Text.RegularExpressions;
using FlashSale.Deployment.Tests.Support;

namespace FlashSale.Deployment.Tests;

/// <summary>Alerts can fire only on metrics something scrapes.</summary>
public sealed partial class MonitoringTests
{
    [Fact]
    public void Every_alerts_metric_has_a_scrape_path()
    {
        var manifests = Chart.App.Render("production");
        var rules = Assert.Single(manifests.OfKind("PrometheusRule"));
        var monitor = Assert.Single(manifests.OfKind("PodMonitor"));
        var endpoint = Assert.Single(monitor.Spec!["podMetricsEndpoints"]!.AsArray())!;
        var selector = Manifest.Labels(monitor.Spec!["selector"]!["matchLabels"]);
        var pods = manifests.OfKind("Deployment").ToList();
        var metrics = rules.Spec!["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray())
            .SelectMany(rule => MetricName().Matches((string)rule!["expr"]!).Select(m => m.Value))
            .Where(name => !PromQlWords.Contains(name))
            .ToHashSet();

        Assert.NotEmpty(metrics);
        // The PodMonitor scrapes Envoy's merged endpoint (istio-agent on :15020) of every FlashSale pod...
        Assert.Equal(15020, (int?)endpoint["portNumber"]);
        Assert.Equal("/stats/prometheus", (string?)endpoint["path"]);
        Assert.All(pods, pod => Assert.True(selector.Selects(pod.PodLabels), $"the PodMonitor does not select {pod}"));
        // istiod's chart merges by default (istio-discovery values.yaml meshConfig.enablePrometheusMerge: true).
        Assert.NotEqual(false, (bool?)Yaml.At(MeshPolicyTests.UpstreamValues("istiod", "production"), "meshConfig.enablePrometheusMerge"));
        foreach (var metric in metrics)
        {
            if (metric.StartsWith("istio_", StringComparison.Ordinal))
            {
                continue;   // Envoy's own metrics: always on that endpoint
            }

            // ...into which istio-agent merges the endpoint the prometheus.io annotations name: daprd's metrics port.
            Assert.True(metric.StartsWith("dapr_", StringComparison.Ordinal), $"alert metric {metric} comes from no known scrape target");
            Assert.All(pods.Where(p => p.PodAnnotations.GetValueOrDefault("dapr.io/enabled") == "true"), pod =>
            {
                var annotations = pod.PodAnnotations;
                Assert.Equal("true", annotations.GetValueOrDefault("dapr.io/enable-metrics"));
                Assert.True(annotations.GetValueOrDefault("prometheus.io/scrape") == "true",
                    $"{pod} has no prometheus.io/scrape annotation: istio-agent merges none of daprd's metrics ({metric})");
                Assert.Equal(annotations.GetValueOrDefault("dapr.io/metrics-port"), annotations.GetValueOrDefault("prometheus.io/port"));
                Assert.Equal("/", annotations.GetValueOrDefault("prometheus.io/path"));
            });
        }
    }

    private static readonly HashSet<string> PromQlWords = ["sum", "by", "increase", "rate", "on", "without", "max", "min", "avg", "count"];

    /// <summary>Metric names in a PromQL expression: an identifier followed by a selector, a range or a space.</summary>
    [GeneratedRegex(@"\b[a-z_][a-z0-9_]*(?=\s*[\{\[])")]
    private static partial Regex MetricName();
}

using System.Text.Json.Nodes;
using FlashSale.Deployment.Tests.Support;

namespace FlashSale.Deployment.Tests;

/// <summary>
/// What the Istio resources make Envoy do, as Istio's and daprd's sources say it behaves: retries, faults, outlier
/// detection, who may reach daprd's ports, and the production ingress.
/// </summary>
public sealed class MeshPolicyTests
{
    public static TheoryData<string> Profiles => new(Chart.App.ProfileNames);

    /// <summary>retryOn conditions that only fire when the request never reached the app.</summary>
    private static readonly HashSet<string> NeverReachedTheApp = ["connect-failure", "refused-stream"];

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Every_http_route_sets_its_retries_and_a_post_is_retried_only_when_it_never_reached_the_app(string profile)
    {
        // Without `retries` Istio applies its default (2 attempts on connect-failure, refused-stream, unavailable,
        // cancelled and retriable-status-codes 503), which replays POSTs exactly when backends shed load.
        var routes = HttpRoutes(Chart.App.Render(profile)).ToList();

        Assert.NotEmpty(routes);
        foreach (var (virtualService, route) in routes)
        {
            var name = $"{virtualService}/{route["name"]}";
            if (route["fault"] is not null)
            {
                continue;   // Istio skips retries on a route with a fault (next test)
            }

            var retries = route["retries"];
            Assert.True(retries?["attempts"] is not null && retries["retryOn"] is not null, $"{name} leaves its retries to Istio's default");
            if (MatchesMethod(route, "POST") && (int)retries["attempts"]! > 0)
            {
                var conditions = ((string)retries["retryOn"]!).Split(',').ToHashSet();
                Assert.True(conditions.IsSubsetOf(NeverReachedTheApp), $"{name} retries POSTs on {retries["retryOn"]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void A_route_that_injects_faults_claims_no_timeout_or_retries_and_leaves_other_requests_their_own(string profile)
    {
        // Istio's HTTPRoute: "timeouts or retries will not be enabled when faults are enabled". A fault on the only
        // route would silently switch both off for every request of the hop.
        var manifests = Chart.App.Render(profile);

        foreach (var virtualService in manifests.OfKind("VirtualService"))
        {
            var routes = virtualService.Spec!["http"]!.AsArray().OfType<JsonObject>().ToList();
            foreach (var faulted in routes.Where(r => r["fault"] is not null))
            {
                Assert.True(faulted["timeout"] is null && faulted["retries"] is null,
                    $"{virtualService}/{faulted["name"]} injects faults and claims a timeout or retries Istio will not apply");
                Assert.NotNull(faulted["match"]);
                Assert.Contains(routes, r => r["fault"] is null && r["match"] is null && r["timeout"] is not null && r["retries"] is not null);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Daprs_internal_port_is_open_only_to_the_sidecars_that_call_it_and_its_metrics_only_to_the_scraper(string profile)
    {
        // With Dapr's mTLS off (ADR 0010) daprd serves its internal gRPC port unauthenticated: any pod allowed there
        // could invoke any app through its sidecar, around the app's own HTTP policy.
        var manifests = Chart.App.Render(profile);
        var values = Chart.App.Values(profile);
        // daprd's defaults (pkg/injector/patcher/sidecar.go) unless values name others.
        var internalPort = values["dapr"]?["internalGrpcPort"]?.ToString() ?? "50002";
        var metricsPort = values["dapr"]?["metricsPort"]?.ToString() ?? "9090";
        var scraper = values["monitoring"]?["scraper"];
        var scraperPrincipal = scraper is null ? "(no monitoring.scraper in values)" : $"cluster.local/ns/{scraper["namespace"]}/sa/{scraper["serviceAccount"]}";
        var expectedCallers = DaprCallersFromCode();

        foreach (var deployment in manifests.OfKind("Deployment").Where(d => d.PodAnnotations.GetValueOrDefault("dapr.io/enabled") == "true"))
        {
            var service = deployment.PodAnnotations["dapr.io/app-id"];
            var policy = IstioReferenceTests.PolicyOf(manifests, service);

            Assert.Equal("ALLOW", (string?)policy.Spec!["action"]);
            Assert.True(!IstioReferenceTests.Descendants(policy.Spec, "notPorts").Any(),
                $"{policy} opens ports by exclusion (notPorts), daprd's {internalPort} and {metricsPort} among them");
            Assert.Equal(expectedCallers.GetValueOrDefault(service, []).Select(Principal).Order(StringComparer.Ordinal),
                PrincipalsAllowedOn(policy, internalPort).Order(StringComparer.Ordinal));
            Assert.Equal([scraperPrincipal], PrincipalsAllowedOn(policy, metricsPort));
            Assert.Equal(internalPort, deployment.PodAnnotations.GetValueOrDefault("dapr.io/internal-grpc-port") ?? "50002");
        }

        Assert.Equal(["ordering"], expectedCallers["catalog"]);
        Assert.Equal(["inventory", "ordering"], expectedCallers["inventory"].Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void The_gateway_is_ejected_for_its_own_failures_not_for_the_5xx_it_passes_on(string profile)
    {
        // consecutive5xxErrors counts every 5xx the gateway returns, most of them its backends': one backend's outage
        // would eject healthy gateway pods. Only failures of the gateway pod itself may eject it.
        var detection = Chart.App.Render(profile).Single("DestinationRule", "gateway").Spec!["trafficPolicy"]!["outlierDetection"]!;

        Assert.Equal(true, (bool?)detection["splitExternalLocalOriginErrors"]);
        Assert.True((int?)detection["consecutiveLocalOriginFailures"] > 0, "no ejection on the gateway's own failures");
        Assert.Equal(0, (int?)detection["consecutive5xxErrors"]);
        Assert.Equal(0, (int?)detection["consecutiveGatewayErrors"]);
    }

    [Fact]
    public void The_production_ingress_serves_https_with_a_certificate_and_redirects_http()
    {
        var gateway = Assert.Single(Chart.App.Render("production").OfKind("Gateway"));
        var servers = gateway.Spec!["servers"]!.AsArray().OfType<JsonObject>().ToList();
        var https = Assert.Single(servers, s => (string?)s["port"]!["protocol"] == "HTTPS");
        var http = Assert.Single(servers, s => (string?)s["port"]!["protocol"] == "HTTP");

        Assert.Equal("SIMPLE", (string?)https["tls"]!["mode"]);
        Assert.False(string.IsNullOrEmpty((string?)https["tls"]!["credentialName"]));
        Assert.Equal(true, (bool?)http["tls"]?["httpsRedirect"]);
        Assert.DoesNotContain("*", https["hosts"]!.AsArray().Select(h => (string?)h));
        // The upstream ingress gateway service of the production profile publishes that port.
        var ports = UpstreamValues("istio-ingressgateway", "production")["service"]!["ports"]!.AsArray();
        Assert.Contains(ports, p => (int?)p!["port"] == (int)https["port"]!["number"]!);
    }

    /// <summary>Who calls whose sidecar, from the code: Dapr service invocation of an app id, and actor calls (to
    /// every service that hosts actors, including the host itself: an actor lives on one of its pods).</summary>
    private static Dictionary<string, List<string>> DaprCallersFromCode()
    {
        var callers = new Dictionary<string, List<string>>();
        void Add(string callee, string caller)
        {
            var list = callers.TryGetValue(callee, out var existing) ? existing : callers[callee] = [];
            if (!list.Contains(caller))
            {
                list.Add(caller);
            }
        }

        var hosts = Repository.ServiceFolders.Where(ServiceSources.HostsActors).ToList();
        foreach (var service in Repository.ServiceFolders)
        {
            foreach (var callee in ServiceSources.InvokedApps(service))
            {
                Add(callee, service);
            }

            if (ServiceSources.CallsActors(service) || ServiceSources.HostsActors(service))
            {
                hosts.ForEach(host => Add(host, service));
            }
        }

        return callers;
    }

    private static string Principal(string service) => $"cluster.local/ns/{Chart.App.Namespace}/sa/{service}";

    private static List<string> PrincipalsAllowedOn(Manifest policy, string port) => policy.Spec!["rules"]!.AsArray()
        .Where(rule => IstioReferenceTests.Descendants(rule, "ports").SelectMany(p => p.AsArray()).Any(p => (string?)p == port))
        .SelectMany(rule => IstioReferenceTests.Descendants(rule, "principals").SelectMany(p => p.AsArray()))
        .Select(p => (string)p!)
        .ToList();

    internal static IEnumerable<(Manifest VirtualService, JsonObject Route)> HttpRoutes(IReadOnlyList<Manifest> manifests) =>
        manifests.OfKind("VirtualService").SelectMany(vs => vs.Spec!["http"]!.AsArray().OfType<JsonObject>().Select(route => (vs, route)));

    /// <summary>Whether the route can match a request of that method (no method condition, or one that admits it).</summary>
    private static bool MatchesMethod(JsonObject route, string method)
    {
        var matches = route["match"]?.AsArray().OfType<JsonObject>().ToList();
        if (matches is null or { Count: 0 })
        {
            return true;
        }

        return matches.Any(match => match["method"] switch
        {
            null => true,
            JsonObject condition when (string?)condition["exact"] is { } exact => exact == method,
            JsonObject condition when (string?)condition["prefix"] is { } prefix => method.StartsWith(prefix, StringComparison.Ordinal),
            JsonObject condition when (string?)condition["regex"] is { } regex => System.Text.RegularExpressions.Regex.IsMatch(method, $"^(?:{regex})$"),
            _ => true,
        });
    }

    /// <summary>The merged values skaffold passes an upstream release for a profile (its files, in order).</summary>
    internal static JsonObject UpstreamValues(string release, string? profile = null) => Skaffold.ValuesFiles(release, profile)
        .Aggregate(new JsonObject(), (merged, file) => Yaml.Merge(merged, Yaml.ParseFile(file)));
}

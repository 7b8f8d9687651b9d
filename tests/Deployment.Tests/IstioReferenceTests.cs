using System.Text.Json.Nodes;
using FlashSale.Deployment.Tests.Support;

namespace FlashSale.Deployment.Tests;

/// <summary>
/// Every Istio host, subset, port, selector and principal refers to something the chart renders: a typo in any of them
/// would silently route nowhere or protect nothing. Checked for every profile of the app chart.
/// </summary>
public sealed class IstioReferenceTests
{
    public static TheoryData<string> Profiles => new(Chart.App.ProfileNames);

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Virtual_service_destinations_are_rendered_services_ports_and_subsets(string profile)
    {
        var manifests = Chart.App.Render(profile);
        var services = VirtualServices(manifests).ToList();

        Assert.NotEmpty(services);
        foreach (var (virtualService, destination) in services)
        {
            var service = ServiceFor(manifests, (string)destination["host"]!);
            var port = (int?)destination["port"]?["number"];
            Assert.True(port is null || ServicePorts(service).Contains(port.Value), $"{virtualService}: {service} has no port {port}");
            if ((string?)destination["subset"] is { } subset)
            {
                var rule = manifests.OfKind("DestinationRule").SingleOrDefault(r => SameHost(manifests, (string)r.Spec!["host"]!, service));
                Assert.True(rule is not null, $"{virtualService}: no DestinationRule for {service.Name}");
                Assert.Contains(subset, rule.Spec!["subsets"]!.AsArray().Select(s => (string?)s!["name"]));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Destination_rule_subsets_select_rendered_pods(string profile)
    {
        var manifests = Chart.App.Render(profile);

        foreach (var rule in manifests.OfKind("DestinationRule"))
        {
            var service = ServiceFor(manifests, (string)rule.Spec!["host"]!);
            var serviceSelector = Manifest.Labels(service.Spec!["selector"]);
            foreach (var subset in rule.Spec!["subsets"]!.AsArray())
            {
                var labels = Manifest.Labels(subset!["labels"]).Concat(serviceSelector).ToDictionary();
                Assert.True(Pods(manifests).Any(pod => labels.Selects(pod.PodLabels)),
                    $"DestinationRule {rule.Name} subset {subset["name"]} selects no pod");
            }

            Assert.NotNull(rule.Spec!["trafficPolicy"]?["connectionPool"]);
            Assert.NotNull(rule.Spec!["trafficPolicy"]?["outlierDetection"]);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Security_policies_select_rendered_pods_and_name_rendered_accounts_and_ports(string profile)
    {
        var manifests = Chart.App.Render(profile);
        var scraper = Chart.App.Values(profile)["monitoring"]!["scraper"]!;
        var accounts = manifests.OfKind("ServiceAccount").Select(a => $"cluster.local/ns/{Chart.App.Namespace}/sa/{a.Name}")
            .Append("*")   // any authenticated mesh peer
            .Append($"cluster.local/ns/{scraper["namespace"]}/sa/{scraper["serviceAccount"]}")
            .ToHashSet();
        var dapr = Chart.App.Values(profile)["dapr"]!;
        string[] sidecarPorts = [dapr["internalGrpcPort"]!.ToString(), dapr["metricsPort"]!.ToString()];

        foreach (var policy in manifests.Where(m => m.Kind is "AuthorizationPolicy" or "RequestAuthentication"))
        {
            var selector = Manifest.Labels(policy.Spec!["selector"]?["matchLabels"]);
            var selected = Pods(manifests).Where(pod => selector.Selects(pod.PodLabels)).ToList();
            Assert.True(selected.Count > 0, $"{policy} selects no pod");

            foreach (var principal in Descendants(policy.Spec, "principals").SelectMany(p => p.AsArray()).Select(p => (string)p!))
            {
                Assert.Contains(principal, accounts);
            }

            // The app's container ports, and those of the daprd sidecar the injector adds.
            var containerPorts = selected.SelectMany(pod => pod.Containers).SelectMany(c => c["ports"]?.AsArray() ?? [])
                .Select(p => ((int)p!["containerPort"]!).ToString())
                .Concat(selected.Any(pod => pod.PodAnnotations.GetValueOrDefault("dapr.io/enabled") == "true") ? sidecarPorts : [])
                .ToHashSet();
            foreach (var port in Descendants(policy.Spec, "ports").SelectMany(p => p.AsArray()).Select(p => (string)p!))
            {
                Assert.Contains(port, containerPorts);
            }
        }

        Assert.Equal("STRICT", (string?)manifests.Single("PeerAuthentication", "default").Spec!["mtls"]!["mode"]);
    }

    [Fact]
    public void Only_the_gateway_may_call_catalog_ordering_order_query_and_payment_over_http()
    {
        var manifests = Chart.App.Render();

        foreach (var service in new[] { "catalog", "ordering", "order-query", "payment" })
        {
            var policy = PolicyOf(manifests, service);
            var httpPort = Chart.App.DefaultValues["services"]![service]!["ports"]!["http"]!.ToString();
            var httpRules = policy.Spec!["rules"]!.AsArray()
                .Where(rule => Descendants(rule, "ports").SelectMany(p => p.AsArray()).Any(p => (string?)p == httpPort)).ToList();

            Assert.Equal("ALLOW", (string?)policy.Spec!["action"]);
            var rule = Assert.Single(httpRules);
            Assert.Equal([$"cluster.local/ns/{Chart.App.Namespace}/sa/gateway"],
                Descendants(rule, "principals").SelectMany(p => p.AsArray()).Select(p => (string?)p));
            // No rule opens ports by exclusion: each names the ports it opens and who may use them.
            Assert.Empty(Descendants(policy.Spec, "notPorts"));
            Assert.Empty(Descendants(policy.Spec, "namespaces"));
        }
    }

    [Fact]
    public void The_gateway_reaches_payment_only_on_the_admin_view_of_a_payment_never_on_its_event_routes()
    {
        // payment's events come from its own sidecar over localhost; a mesh peer posting to /events/... would charge.
        var manifests = Chart.App.Render();
        var policy = PolicyOf(manifests, "payment");
        var httpPort = Chart.App.DefaultValues["services"]!["payment"]!["ports"]!["http"]!.ToString();
        var rule = Assert.Single(policy.Spec!["rules"]!.AsArray(),
            rule => Descendants(rule!, "ports").SelectMany(p => p.AsArray()).Any(p => (string?)p == httpPort))!;

        Assert.Equal(["/payments/*"], Descendants(rule, "paths").SelectMany(p => p.AsArray()).Select(p => (string?)p));
        Assert.Contains("payment", Chart.App.DefaultValues["services"]!["gateway"]!["proxy"]!["backends"]!.AsArray().Select(b => (string?)b));
        var gatewayRoutes = Yaml.ParseFile("services", "gateway", "appsettings.json")["ReverseProxy"]!["Routes"]!.AsObject()
            .Select(route => route.Value!).Where(route => (string?)route["ClusterId"] == "payment").ToList();
        Assert.Equal(["/api/payments/{orderId}"], gatewayRoutes.Select(route => (string?)route["Match"]!["Path"]));
    }

    [Fact]
    public void The_ingress_reaches_the_gateway_and_jwt_keys_come_from_identity()
    {
        var manifests = Chart.App.Render();
        var gateway = Assert.Single(manifests.OfKind("Gateway"));
        var ingressLabels = Manifest.Labels(Yaml.ParseFile("charts", "upstream", "istio-ingressgateway.yaml")["labels"]);
        var ingressRoute = manifests.OfKind("VirtualService").Single(vs => vs.Spec!["gateways"] is not null);
        var jwt = Assert.Single(manifests.OfKind("RequestAuthentication")).Spec!["jwtRules"]![0]!;
        var jwks = new Uri((string)jwt["jwksUri"]!);
        var identity = ServiceFor(manifests, jwks.Host);

        Assert.True(Manifest.Labels(gateway.Spec!["selector"]).Selects(ingressLabels), "the Gateway does not select the ingress pods");
        Assert.Equal([gateway.Name], ingressRoute.Spec!["gateways"]!.AsArray().Select(g => (string?)g));
        Assert.Equal("gateway", ServiceFor(manifests, (string)ingressRoute.Spec!["http"]![0]!["route"]![0]!["destination"]!["host"]!).Name);
        Assert.Equal("identity", identity.Name);
        Assert.Contains(jwks.Port, ServicePorts(identity));
        Assert.Equal((string?)Chart.App.DefaultValues["auth"]!["issuer"], (string?)jwt["issuer"]);
    }

    [Fact]
    public void The_gateway_is_configured_with_rendered_backend_addresses()
    {
        var manifests = Chart.App.Render();
        var environment = manifests.Single("Deployment", "gateway").Containers.Single(c => (string?)c["name"] == "app")["env"]!.AsArray()
            .Where(e => e!["value"] is not null)
            .ToDictionary(e => (string)e!["name"]!, e => (string)e!["value"]!);
        var addresses = environment.Where(e => e.Key.StartsWith("ReverseProxy__Clusters__", StringComparison.Ordinal)).ToList();

        Assert.Equal(Chart.App.DefaultValues["services"]!["gateway"]!["proxy"]!["backends"]!.AsArray().Select(b => (string?)b).Order(),
            addresses.Select(a => a.Key.Split("__")[2]).Order());
        foreach (var address in addresses.Select(a => new Uri(a.Value)).Append(new Uri(environment["Authentication__MetadataAddress"])))
        {
            Assert.Contains(address.Port, ServicePorts(ServiceFor(manifests, address.Host)));
        }
    }

    internal static Manifest PolicyOf(IReadOnlyList<Manifest> manifests, string service) => manifests.OfKind("AuthorizationPolicy").Single(p =>
        Manifest.Labels(p.Spec!["selector"]!["matchLabels"]).Selects(manifests.Single("Deployment", service).PodLabels));

    private static IEnumerable<(Manifest VirtualService, JsonObject Destination)> VirtualServices(IReadOnlyList<Manifest> manifests) =>
        manifests.OfKind("VirtualService").SelectMany(vs => vs.Spec!["http"]!.AsArray()
            .SelectMany(route => route!["route"]!.AsArray())
            .Select(r => (vs, r!["destination"]!.AsObject())));

    private static IEnumerable<Manifest> Pods(IReadOnlyList<Manifest> manifests) => manifests.OfKind("Deployment");

    private static Manifest ServiceFor(IReadOnlyList<Manifest> manifests, string host)
    {
        var parts = host.Split('.');
        var inNamespace = parts.Length == 1 || parts[1] == Chart.App.Namespace;
        var service = manifests.OfKind("Service").SingleOrDefault(s => s.Name == parts[0]);
        Assert.True(inNamespace && service is not null, $"host '{host}' is not a Service of this chart");
        Assert.True(parts.Length <= 2 || host == $"{parts[0]}.{Chart.App.Namespace}.svc.cluster.local", $"host '{host}' is not a cluster DNS name");
        return service;
    }

    private static bool SameHost(IReadOnlyList<Manifest> manifests, string host, Manifest service) => ServiceFor(manifests, host) == service;

    private static HashSet<int> ServicePorts(Manifest service) =>
        service.Spec!["ports"]!.AsArray().Select(p => (int)p!["port"]!).ToHashSet();

    internal static IEnumerable<JsonNode> Descendants(JsonNode? node, string property) => node switch
    {
        JsonObject obj => obj.SelectMany(pair => pair.Key == property && pair.Value is not null
            ? [pair.Value]
            : Descendants(pair.Value, property)),
        JsonArray array => array.SelectMany(item => Descendants(item, property)),
        _ => [],
    };
}

using System.Text.Json.Nodes;
using FlashSale.Deployment.Tests.Support;

namespace FlashSale.Deployment.Tests;

/// <summary>
/// The storefront behind the ingress: pages at <c>/</c>, the API at <c>/api</c>; SignalR circuits kept on their pod by a
/// cookie hash; and the long-lived responses (SSE streams, the circuit's WebSocket) exempt from the request timeout.
/// </summary>
public sealed class StorefrontRoutingTests
{
    private static IReadOnlyList<Manifest> App => Chart.App.Render();

    [Fact]
    public void The_storefront_destination_rule_hashes_on_the_affinity_cookie_so_a_circuit_stays_on_its_pod()
    {
        var rule = App.Single("DestinationRule", "storefront");
        var cookie = rule.Spec!["trafficPolicy"]!["loadBalancer"]!["consistentHash"]!["httpCookie"]!;

        Assert.Equal((string?)Chart.App.DefaultValues["services"]!["storefront"]!["mesh"]!["affinityCookie"], (string?)cookie["name"]);
        Assert.Equal("flashsale-affinity", (string?)cookie["name"]);
        Assert.Equal("/", (string?)cookie["path"]);
        // A TTL makes Envoy set the cookie when the browser has none (0s: a session cookie).
        Assert.Equal("0s", (string?)cookie["ttl"]);
        Assert.Null(App.Single("DestinationRule", "gateway").Spec!["trafficPolicy"]!["loadBalancer"]);
    }

    [Fact]
    public void The_ingress_sends_the_api_to_the_gateway_and_everything_else_to_the_storefront()
    {
        var routes = IngressRoutes();

        Assert.Equal("gateway", DestinationOf(RouteFor(routes, "/api/orders")));
        Assert.Equal("gateway", DestinationOf(RouteFor(routes, "/api/stream/sales")));
        Assert.Equal("storefront", DestinationOf(RouteFor(routes, "/products/TEE")));
        Assert.Equal("storefront", DestinationOf(RouteFor(routes, "/")));
        Assert.Equal("storefront", DestinationOf(RouteFor(routes, "/_blazor?id=1")));
    }

    [Theory]
    [InlineData("/api/stream/orders/1")]
    [InlineData("/_blazor")]
    public void Streams_through_the_ingress_have_no_timeout_and_are_retried_only_when_they_never_reached_the_app(string path)
    {
        var route = RouteFor(IngressRoutes(), path);

        AssertStreamRoute(route);
    }

    [Fact]
    public void The_gateway_to_order_query_hop_exempts_the_streams_from_its_timeout_but_not_the_rest()
    {
        var routes = App.Single("VirtualService", "order-query").Spec!["http"]!.AsArray().OfType<JsonObject>().ToList();

        var stream = RouteFor(routes, "/stream/orders/1");
        var read = RouteFor(routes, "/orders/1");

        AssertStreamRoute(stream);
        Assert.Equal((string?)Chart.App.DefaultValues["istio"]!["route"]!["timeout"], (string?)read["timeout"]);
    }

    private static void AssertStreamRoute(JsonObject route)
    {
        Assert.Equal("0s", (string?)route["timeout"]);
        Assert.Null(route["retries"]!["perTryTimeout"]);
        Assert.Equal("connect-failure,refused-stream", (string?)route["retries"]!["retryOn"]);
    }

    private static List<JsonObject> IngressRoutes() =>
        App.OfKind("VirtualService").Single(vs => vs.Spec!["gateways"] is not null).Spec!["http"]!.AsArray().OfType<JsonObject>().ToList();

    /// <summary>The first route whose URI prefix (if any) matches the path, as Envoy picks it (GET requests).</summary>
    private static JsonObject RouteFor(IReadOnlyList<JsonObject> routes, string path) => routes.First(route =>
        route["match"] is not JsonArray matches
        || matches.OfType<JsonObject>().Any(match => match["uri"]?["prefix"] is not { } prefix || path.StartsWith((string)prefix!, StringComparison.Ordinal)));

    private static string DestinationOf(JsonObject route) => ((string)route["route"]![0]!["destination"]!["host"]!).Split('.')[0];
}

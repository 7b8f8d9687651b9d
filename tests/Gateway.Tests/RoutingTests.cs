using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;

namespace FlashSale.Gateway.Tests;

public sealed class RoutingTests(GatewayFixture fixture)
{
    public static TheoryData<string, string, string?, string, string> Routes => new()
    {
        // method, gateway path, caller, backend it must reach, path and query the backend must see
        { "POST", "/api/auth/token", null, "identity", "/connect/token" },
        { "POST", "/api/auth/connect/token", null, "identity", "/connect/token" },
        { "POST", "/api/auth/register", null, "identity", "/register" },
        { "GET", "/api/auth/.well-known/openid-configuration", null, "identity", "/.well-known/openid-configuration" },
        { "GET", "/api/auth/.well-known/jwks.json", null, "identity", "/.well-known/jwks.json" },
        { "GET", "/api/catalog/products?page=2&size=20", null, "catalog", "/products?page=2&size=20" },
        { "GET", "/api/catalog/flash-sales/7", null, "catalog", "/flash-sales/7" },
        { "POST", "/api/catalog/products", "admin", "catalog", "/products" },
        { "PUT", "/api/catalog/products/42", "admin", "catalog", "/products/42" },
        { "DELETE", "/api/catalog/products/42", "admin", "catalog", "/products/42" },
        { "POST", "/api/orders", "alice", "ordering", "/orders" },
        { "POST", "/api/orders/0b6f2c/cancel", "alice", "ordering", "/orders/0b6f2c/cancel" },
        { "GET", "/api/orders/0b6f2c", "alice", "order-query", "/orders/0b6f2c" },
        { "GET", "/api/orders?status=Paid&page=1", "alice", "order-query", "/orders?status=Paid&page=1" },
        { "GET", "/api/dashboard/sales?window=1h", "admin", "order-query", "/dashboard/sales?window=1h" },
        { "GET", "/api/inventory/stock/sku-1", "admin", "inventory", "/stock/sku-1" },
        { "GET", "/api/stream/stock", null, "order-query", "/stream/stock" },
        { "GET", "/api/stream/sales", "admin", "order-query", "/stream/sales" },
        { "GET", "/api/stream/orders/0b6f2c", "alice", "order-query", "/stream/orders/0b6f2c" },
        { "POST", "/api/inventory/stock/sku-1/restock", "admin", "inventory", "/stock/sku-1/restock" },
        { "GET", "/api/payments/0b6f2c", "admin", "payment", "/payments/0b6f2c" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Each_route_reaches_its_backend_at_the_backend_path(
        string method, string path, string? caller, string backend, string backendPathAndQuery)
    {
        var token = caller is null ? null : await fixture.TokenForAsync(caller == "admin" ? DemoUser.Admin : DemoUser.Alice);

        var response = await fixture.Gateway.SendAsync(GatewayRequests.Request(new HttpMethod(method), path, token));

        var echo = await response.EchoAsync();
        Assert.Equal(backend, echo.Backend);
        Assert.Equal(method, echo.Method);
        Assert.Equal(backendPathAndQuery, echo.Path + echo.Query);
    }

    [Fact]
    public async Task Paths_outside_the_routes_are_404_and_methods_a_route_does_not_allow_are_405()
    {
        var admin = await fixture.TokenForAsync(DemoUser.Admin);
        var unknown = await fixture.Gateway.SendAsync(GatewayRequests.Request(HttpMethod.Get, "/api/refunds/1"));
        // Only one payment is exposed, read-only: nothing below it, and nothing of payment's event routes.
        var belowAPayment = await fixture.Gateway.SendAsync(GatewayRequests.Request(HttpMethod.Get, "/api/payments/1/refunds", admin));
        var eventRoute = await fixture.Gateway.SendAsync(GatewayRequests.Request(HttpMethod.Get, "/api/payments", admin));
        var wrongMethod = await fixture.Gateway.SendAsync(
            GatewayRequests.Request(HttpMethod.Delete, "/api/orders/1", await fixture.TokenForAsync(DemoUser.Alice)));
        var paymentWrite = await fixture.Gateway.SendAsync(GatewayRequests.Request(HttpMethod.Post, "/api/payments/1", admin));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (belowAPayment.StatusCode, eventRoute.StatusCode));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, paymentWrite.StatusCode);
    }

    [Fact]
    public void Without_overrides_the_backends_are_the_kubernetes_services_on_port_8080()
    {
        using var gateway = new GatewayFactoryWithDefaults();

        var clusters = gateway.Services.GetRequiredService<IProxyConfigProvider>().GetConfig().Clusters;

        Assert.Equal(
            GatewayFactory.Backends.Select(name => $"http://{name}:8080").Order(),
            clusters.Select(cluster => cluster.Destinations!.Single().Value.Address).Order());
    }

    private sealed class GatewayFactoryWithDefaults() : FlashSale.TestSupport.ServiceFactory<GatewayAssemblyMarker>("gateway");
}

using System.Diagnostics;

namespace FlashSale.Gateway.Tests;

public sealed class ForwardedHeaderTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Spoofed_user_headers_on_an_anonymous_request_never_reach_the_backend_whatever_their_casing()
    {
        var request = GatewayRequests.Request(HttpMethod.Get, "/api/catalog/products")
            .WithHeader("x-user-id", "admin")
            .WithHeader("X-USER-ROLES", "admin");

        var echo = await (await fixture.Gateway.SendAsync(request)).EchoAsync();

        Assert.Empty(echo.Header("X-User-Id"));
        Assert.Empty(echo.Header("X-User-Roles"));
    }

    [Fact]
    public async Task The_backend_learns_the_user_from_the_token_and_not_from_spoofed_headers()
    {
        var request = GatewayRequests.Request(HttpMethod.Post, "/api/orders", await fixture.TokenForAsync(DemoUser.Alice))
            .WithHeader("X-User-Id", "bob")
            .WithHeader("x-user-roles", "admin");

        var echo = await (await fixture.Gateway.SendAsync(request)).EchoAsync();

        Assert.Equal(["alice"], echo.Header("X-User-Id"));
        Assert.Equal(["customer"], echo.Header("X-User-Roles"));
    }

    [Theory]
    [InlineData("GET", "/api/catalog/products", null, "/api/catalog")]
    [InlineData("POST", "/api/orders", "alice", "/api")]
    [InlineData("GET", "/api/auth/.well-known/openid-configuration", null, "/api/auth")]
    public async Task The_backend_learns_the_public_host_and_the_prefix_the_route_removed_not_a_spoofed_one(
        string method, string path, string? caller, string prefix)
    {
        var token = caller is null ? null : await fixture.TokenForAsync(DemoUser.Alice);
        var request = GatewayRequests.Request(new HttpMethod(method), path, token)
            .WithHeader("X-Forwarded-Prefix", "/evil")
            .WithHeader("X-Forwarded-Host", "evil.example");
        request.Headers.Host = "shop.example:8443";

        var echo = await (await fixture.Gateway.SendAsync(request)).EchoAsync();

        Assert.Equal([prefix], echo.Header("X-Forwarded-Prefix"));
        Assert.Equal(["shop.example:8443"], echo.Header("X-Forwarded-Host"));
    }

    [Fact]
    public async Task A_route_that_rewrites_the_whole_path_forwards_no_prefix()
    {
        var request = GatewayRequests.Request(HttpMethod.Post, "/api/auth/register").WithHeader("X-Forwarded-Prefix", "/evil");

        var echo = await (await fixture.Gateway.SendAsync(request)).EchoAsync();

        Assert.Empty(echo.Header("X-Forwarded-Prefix"));
    }

    [Fact]
    public async Task An_admin_is_forwarded_with_the_admin_role()
    {
        var request = GatewayRequests.Request(HttpMethod.Get, "/api/dashboard/sales", await fixture.TokenForAsync(DemoUser.Admin));

        var echo = await (await fixture.Gateway.SendAsync(request)).EchoAsync();

        Assert.Equal(["admin"], echo.Header("X-User-Id"));
        Assert.Equal(["admin"], echo.Header("X-User-Roles"));
    }

    [Fact]
    public async Task The_idempotency_key_and_the_w3c_trace_context_reach_the_backend()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();
        var request = GatewayRequests.Request(HttpMethod.Post, "/api/orders", await fixture.TokenForAsync(DemoUser.Bob))
            .WithHeader("Idempotency-Key", "4c1f0c52-order-1")
            .WithHeader("traceparent", $"00-{traceId}-{callerSpan}-01");

        var echo = await (await fixture.Gateway.SendAsync(request)).EchoAsync();

        Assert.Equal(["4c1f0c52-order-1"], echo.Header("Idempotency-Key"));
        var traceparent = Assert.Single(echo.Header("traceparent"));
        Assert.StartsWith($"00-{traceId}-", traceparent);
    }
}

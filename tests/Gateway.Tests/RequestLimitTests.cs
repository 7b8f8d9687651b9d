using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;

namespace FlashSale.Gateway.Tests;

public sealed class RequestLimitTests(GatewayFixture fixture)
{
    [Theory]
    [InlineData("/api/orders", 16 * 1024)]
    [InlineData("/api/auth/token", 4 * 1024)]
    public async Task A_body_over_the_routes_limit_is_a_413_problem_and_one_at_the_limit_is_forwarded(string path, int limit)
    {
        var token = path == "/api/orders" ? await fixture.TokenForAsync(DemoUser.Alice) : null;

        var tooLarge = await fixture.Gateway.SendAsync(WithBody(GatewayRequests.Request(HttpMethod.Post, path, token), limit + 1));
        var atLimit = await fixture.Gateway.SendAsync(WithBody(GatewayRequests.Request(HttpMethod.Post, path, token), limit));

        tooLarge.AssertProblem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("too large", await tooLarge.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("POST", (await atLimit.EchoAsync()).Method);
    }

    [Fact]
    public void Every_route_that_takes_a_body_declares_a_limit_of_at_most_32_KiB()
    {
        var routes = fixture.Gateway.Services.GetRequiredService<IProxyConfigProvider>().GetConfig().Routes;

        var takingBodies = routes.Where(route => route.Match.Methods is null
            || route.Match.Methods.Any(method => method is "POST" or "PUT" or "PATCH")).ToList();

        Assert.NotEmpty(takingBodies);
        Assert.All(takingBodies, route => Assert.InRange(route.MaxRequestBodySize ?? long.MaxValue, 0, 32 * 1024));
    }

    /// <summary>A JSON object of exactly <paramref name="bytes"/> bytes.</summary>
    private static HttpRequestMessage WithBody(HttpRequestMessage request, int bytes)
    {
        request.Content = new StringContent("{}" + new string(' ', bytes - 2), Encoding.UTF8, "application/json");
        return request;
    }
}

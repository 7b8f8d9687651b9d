using System.Net;
using FlashSale.Gateway.Infrastructure;
using FlashSale.TestSupport;

namespace FlashSale.Gateway.Tests;

public sealed class RateLimitingTests(GatewayFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_user_over_the_limit_gets_429_with_retry_after_while_other_users_carry_on()
    {
        await using var gateway = fixture.StartGateway(new Dictionary<string, string?>
        {
            ["RateLimiting:PermitsPerUser"] = "3",
            // Long enough that the window cannot roll over during the test.
            ["RateLimiting:PerUserWindow"] = "00:05:00",
        });
        using var metrics = new MetricRecorder(gateway.Services, GatewayMetrics.MeterName);
        var alice = await fixture.TokenForAsync(DemoUser.Alice);

        for (var i = 0; i < 3; i++)
        {
            await (await gateway.SendAsync(GatewayRequests.Request(HttpMethod.Get, "/api/catalog/products", alice))).EchoAsync();
        }

        var limited = await gateway.SendAsync(GatewayRequests.Request(HttpMethod.Get, "/api/catalog/products", alice));
        var bob = await gateway.SendAsync(
            GatewayRequests.Request(HttpMethod.Get, "/api/catalog/products", await fixture.TokenForAsync(DemoUser.Bob)));

        limited.AssertProblem(HttpStatusCode.TooManyRequests);
        Assert.InRange(int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After"))), 1, 300);
        Assert.Equal("catalog", (await bob.EchoAsync()).Backend);
        Assert.Equal(1, metrics.Sum("flashsale.gateway.rate_limited"));
    }

    [Fact]
    public async Task An_order_placement_shed_by_the_concurrency_limit_costs_its_user_one_permit_not_two()
    {
        await using var gateway = fixture.StartGateway(new Dictionary<string, string?>
        {
            ["RateLimiting:PermitsPerUser"] = "3",
            ["RateLimiting:PerUserWindow"] = "00:05:00",
            ["RateLimiting:OrderPlacementConcurrency"] = "1",
            ["RateLimiting:OrderPlacementQueue"] = "0",
            ["RateLimiting:RetryAfter"] = "00:00:02",
        });
        var token = await fixture.TokenForAsync(DemoUser.Bob);
        var held = fixture.Backend.Hold(Guid.NewGuid().ToString());
        var inFlight = gateway.SendAsync(
            GatewayRequests.Request(HttpMethod.Post, "/api/orders", token).WithHeader(StubBackend.HoldHeader, held.Key));
        await held.WaitForArrivalsAsync(1, Deadline);

        var shed = await gateway.SendAsync(GatewayRequests.Request(HttpMethod.Post, "/api/orders", token));
        held.Release();
        await (await inFlight.WaitAsync(Deadline, TestContext.Current.CancellationToken)).EchoAsync();
        var third = await gateway.SendAsync(GatewayRequests.Request(HttpMethod.Get, "/api/catalog/products", token));
        var fourth = await gateway.SendAsync(GatewayRequests.Request(HttpMethod.Get, "/api/catalog/products", token));

        // Shed by the concurrency limit (its Retry-After), not by the user's window.
        shed.AssertProblem(HttpStatusCode.TooManyRequests);
        Assert.Equal(["2"], shed.Headers.GetValues("Retry-After"));
        Assert.Equal("catalog", (await third.EchoAsync()).Backend);
        fourth.AssertProblem(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Health_probes_are_never_rate_limited()
    {
        await using var gateway = fixture.StartGateway(new Dictionary<string, string?> { ["RateLimiting:PermitsPerUser"] = "1" });
        var client = gateway.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            var probe = await client.GetAsync("/healthz", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        }
    }

    [Fact]
    public async Task Order_placement_beyond_the_concurrency_limit_gets_429_until_a_slot_frees_up()
    {
        await using var gateway = fixture.StartGateway(new Dictionary<string, string?>
        {
            ["RateLimiting:OrderPlacementConcurrency"] = "2",
            ["RateLimiting:OrderPlacementQueue"] = "0",
            ["RateLimiting:RetryAfter"] = "00:00:02",
        });
        var token = await fixture.TokenForAsync(DemoUser.Bob);
        var held = fixture.Backend.Hold(Guid.NewGuid().ToString());
        HttpRequestMessage PlaceOrder() =>
            GatewayRequests.Request(HttpMethod.Post, "/api/orders", token).WithHeader(StubBackend.HoldHeader, held.Key);

        var inFlight = new[] { gateway.SendAsync(PlaceOrder()), gateway.SendAsync(PlaceOrder()) };
        await held.WaitForArrivalsAsync(2, Deadline);

        var rejected = await gateway.SendAsync(PlaceOrder());
        var browsing = await gateway.SendAsync(GatewayRequests.Request(HttpMethod.Get, "/api/catalog/products", token));

        rejected.AssertProblem(HttpStatusCode.TooManyRequests);
        Assert.Equal(["2"], rejected.Headers.GetValues("Retry-After"));
        Assert.Equal(2, held.Arrived);
        Assert.Equal("catalog", (await browsing.EchoAsync()).Backend);

        held.Release();
        foreach (var response in await Task.WhenAll(inFlight).WaitAsync(Deadline, TestContext.Current.CancellationToken))
        {
            Assert.Equal("ordering", (await response.EchoAsync()).Backend);
        }

        var afterwards = await gateway.SendAsync(PlaceOrder());
        Assert.Equal("ordering", (await afterwards.EchoAsync()).Backend);
    }

    [Fact]
    public async Task Sign_ups_are_limited_per_client_while_an_admin_preparing_customers_is_not()
    {
        await using var gateway = fixture.StartGateway(new Dictionary<string, string?>
        {
            ["RateLimiting:SignUpsPerClient"] = "2",
            ["RateLimiting:SignUpWindow"] = "00:05:00",
        });
        var admin = await fixture.TokenForAsync(DemoUser.Admin);

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await gateway.SendAsync(GatewayRequests.Request(HttpMethod.Post, "/api/auth/register")));
        }

        var byAdmin = await gateway.SendAsync(GatewayRequests.Request(HttpMethod.Post, "/api/auth/register", admin));

        Assert.Equal("identity", (await answers[0].EchoAsync()).Backend);
        Assert.Equal("identity", (await answers[1].EchoAsync()).Backend);
        answers[2].AssertProblem(HttpStatusCode.TooManyRequests);
        Assert.InRange(int.Parse(Assert.Single(answers[2].Headers.GetValues("Retry-After"))), 1, 300);
        Assert.Equal("identity", (await byAdmin.EchoAsync()).Backend);
    }
}

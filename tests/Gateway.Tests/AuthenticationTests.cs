using System.Net;
using System.Security.Cryptography;
using FlashSale.Gateway.Infrastructure;
using FlashSale.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FlashSale.Gateway.Tests;

public sealed class AuthenticationTests(GatewayFixture fixture)
{
    [Theory]
    [InlineData("POST", "/api/orders")]
    [InlineData("GET", "/api/orders")]
    [InlineData("POST", "/api/orders/1/cancel")]
    [InlineData("GET", "/api/stream/orders/1")]
    [InlineData("GET", "/api/stream/sales")]
    public async Task Order_routes_without_a_token_are_a_401_problem_with_a_bearer_challenge(string method, string path)
    {
        var response = await fixture.Gateway.SendAsync(GatewayRequests.Request(new HttpMethod(method), path));

        response.AssertProblem(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task A_token_identity_issued_is_accepted()
    {
        var response = await fixture.Gateway.SendAsync(
            GatewayRequests.Request(HttpMethod.Post, "/api/orders", await fixture.TokenForAsync(DemoUser.Bob)));

        Assert.Equal("ordering", (await response.EchoAsync()).Backend);
    }

    [Fact]
    public async Task An_expired_token_is_rejected()
    {
        // Identity with its clock an hour behind issues a token that expired 45 minutes ago, under the same key.
        await using var identityInThePast = new IdentityIssuer(fixture.SigningKeyPem, clockOffset: TimeSpan.FromHours(-1));
        var expired = await identityInThePast.IssueTokenAsync(DemoUser.Alice);

        var response = await fixture.Gateway.SendAsync(GatewayRequests.Request(HttpMethod.Post, "/api/orders", expired));

        response.AssertProblem(HttpStatusCode.Unauthorized);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_token_signed_by_another_key_is_rejected_even_under_identitys_key_id()
    {
        var genuine = new JsonWebToken(await fixture.TokenForAsync(DemoUser.Alice));
        using var otherKey = RSA.Create(2048);
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = genuine.Issuer,
            Audience = genuine.Audiences.Single(),
            Expires = DateTime.UtcNow.AddMinutes(10),
            Claims = new Dictionary<string, object> { ["sub"] = "alice", ["role"] = new[] { "admin" } },
            SigningCredentials = new SigningCredentials(
                new RsaSecurityKey(otherKey) { KeyId = genuine.Kid }, SecurityAlgorithms.RsaSha256),
        });

        var response = await fixture.Gateway.SendAsync(GatewayRequests.Request(HttpMethod.Post, "/api/orders", forged));

        response.AssertProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_is_verified_once_and_then_recognised_but_a_copy_with_another_signature_is_verified_and_refused()
    {
        await using var gateway = fixture.StartGateway(new Dictionary<string, string?>());
        using var metrics = new MetricRecorder(gateway.Services, GatewayMetrics.MeterName);
        var genuine = await fixture.TokenForAsync(DemoUser.Bob);
        // The same header and claims with the signature's first character changed.
        var signatureAt = genuine.LastIndexOf('.') + 1;
        var forged = genuine[..signatureAt] + (genuine[signatureAt] == 'A' ? 'B' : 'A') + genuine[(signatureAt + 1)..];

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await gateway.SendAsync(GatewayRequests.Request(HttpMethod.Post, "/api/orders", genuine)));
        }

        var refused = await gateway.SendAsync(GatewayRequests.Request(HttpMethod.Post, "/api/orders", forged));

        foreach (var answer in answers)
        {
            Assert.Equal(["bob"], (await answer.EchoAsync()).Header("X-User-Id"));
        }

        refused.AssertProblem(HttpStatusCode.Unauthorized);
        Assert.Equal(2, metrics.Sum("flashsale.gateway.tokens", ("flashsale.token.check", "verified")));
        Assert.Equal(2, metrics.Sum("flashsale.gateway.tokens", ("flashsale.token.check", "recognised")));
    }

    [Fact]
    public async Task A_recognised_token_is_refused_once_it_expires_not_a_minute_later()
    {
        // No clock skew tolerated, and a token that expires three seconds from now (identity's clock is behind).
        await using var gateway = fixture.StartGateway(new Dictionary<string, string?> { ["Authentication:ClockSkew"] = "00:00:00" });
        await using var identityBehind = new IdentityIssuer(fixture.SigningKeyPem,
            clockOffset: -(FlashSale.Identity.Application.AccessTokenIssuer.Lifetime - TimeSpan.FromSeconds(3)));
        var expiring = await identityBehind.IssueTokenAsync(DemoUser.Alice);
        var first = await gateway.SendAsync(GatewayRequests.Request(HttpMethod.Post, "/api/orders", expiring));

        // Well inside the minute a token may be remembered for, it must be refused.
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20);
        HttpResponseMessage latest;
        do
        {
            // Ten polls a second stay inside the per-user rate limit (100 per 10 s).
            await Task.Delay(TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken);
            latest = await gateway.SendAsync(GatewayRequests.Request(HttpMethod.Post, "/api/orders", expiring));
        }
        while (latest.IsSuccessStatusCode && DateTimeOffset.UtcNow < deadline);

        Assert.Equal(["alice"], (await first.EchoAsync()).Header("X-User-Id"));
        latest.AssertProblem(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("Identity:Audience", "another-api")]
    [InlineData("Identity:Issuer", "http://rogue-identity")]
    public async Task A_token_for_another_audience_or_from_another_issuer_is_rejected(string setting, string value)
    {
        await using var misconfigured = new IdentityIssuer(fixture.SigningKeyPem, new Dictionary<string, string?> { [setting] = value });
        var token = await misconfigured.IssueTokenAsync(DemoUser.Alice);

        var response = await fixture.Gateway.SendAsync(GatewayRequests.Request(HttpMethod.Post, "/api/orders", token));

        response.AssertProblem(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("POST", "/api/catalog/products")]
    [InlineData("PUT", "/api/catalog/products/42")]
    [InlineData("DELETE", "/api/catalog/products/42")]
    public async Task Catalog_writes_are_401_anonymous_403_for_customers_and_allowed_for_admins(string method, string path)
    {
        var anonymous = await fixture.Gateway.SendAsync(GatewayRequests.Request(new HttpMethod(method), path));
        var customer = await fixture.Gateway.SendAsync(
            GatewayRequests.Request(new HttpMethod(method), path, await fixture.TokenForAsync(DemoUser.Alice)));
        var admin = await fixture.Gateway.SendAsync(
            GatewayRequests.Request(new HttpMethod(method), path, await fixture.TokenForAsync(DemoUser.Admin)));

        anonymous.AssertProblem(HttpStatusCode.Unauthorized);
        customer.AssertProblem(HttpStatusCode.Forbidden);
        Assert.Equal("catalog", (await admin.EchoAsync()).Backend);
    }

    [Theory]
    [InlineData("GET", "/api/dashboard/sales")]
    [InlineData("GET", "/api/stream/sales")]
    [InlineData("GET", "/api/inventory/stock/sku-1")]
    [InlineData("GET", "/api/payments/0b6f2c")]
    public async Task Customers_are_forbidden_the_admin_routes(string method, string path)
    {
        var response = await fixture.Gateway.SendAsync(
            GatewayRequests.Request(new HttpMethod(method), path, await fixture.TokenForAsync(DemoUser.Alice)));

        response.AssertProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Admins_may_use_the_customer_routes_too()
    {
        var response = await fixture.Gateway.SendAsync(
            GatewayRequests.Request(HttpMethod.Post, "/api/orders", await fixture.TokenForAsync(DemoUser.Admin)));

        Assert.Equal("ordering", (await response.EchoAsync()).Backend);
    }

    [Fact]
    public async Task Browsing_the_catalog_needs_no_token_and_an_invalid_one_makes_the_caller_anonymous()
    {
        var anonymous = await fixture.Gateway.SendAsync(GatewayRequests.Request(HttpMethod.Get, "/api/catalog/products"));
        var garbage = await fixture.Gateway.SendAsync(GatewayRequests.Request(HttpMethod.Get, "/api/catalog/products", "not.a.jwt"));

        Assert.Equal("catalog", (await anonymous.EchoAsync()).Backend);
        var echo = await garbage.EchoAsync();
        Assert.Empty(echo.Header("X-User-Id"));
        Assert.Empty(echo.Header("X-User-Roles"));
    }
}

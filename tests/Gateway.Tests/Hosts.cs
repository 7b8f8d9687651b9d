using System.Net.Http.Json;
using System.Text.Json;
using FlashSale.Identity;
using FlashSale.Identity.Domain;
using FlashSale.TestSupport;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Gateway.Tests;

/// <summary>The demo users identity ships for Development and Testing, with their documented passwords.</summary>
public sealed record DemoUser(string UserName, string Password, string Role)
{
    public static readonly DemoUser Alice = new("alice", "alice-demo-password", "customer");
    public static readonly DemoUser Bob = new("bob", "bob-demo-password", "customer");
    public static readonly DemoUser Admin = new("admin", "admin-demo-password", "admin");

    /// <summary>
    /// The users re-hashed with few iterations: these tests are about the gateway, and every identity instance they
    /// start would otherwise spend most of its time on the deliberately slow production-strength hashes.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> FastHashSettings = new[] { Alice, Bob, Admin }
        .SelectMany(user => new Dictionary<string, string?>
        {
            [$"Identity:Users:{user.UserName}:PasswordHash"] = PasswordHash.Create(user.Password, iterations: 1_000).ToString(),
            [$"Identity:Users:{user.UserName}:Roles:0"] = user.Role,
        })
        .ToDictionary();
}

/// <summary>
/// The real identity service in memory, signing with a key the test supplies, so several instances (say one with
/// its clock an hour behind) issue tokens under the same published key.
/// </summary>
public sealed class IdentityIssuer(string signingKeyPem, IDictionary<string, string?>? settings = null, TimeSpan clockOffset = default)
    : ServiceFactory<IdentityAssemblyMarker>("identity")
{
    public async Task<string> IssueTokenAsync(DemoUser user)
    {
        var response = await CreateClient().PostAsJsonAsync("/connect/token",
            new { username = user.UserName, password = user.Password }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return body.GetProperty("access_token").GetString()!;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureAppConfiguration((_, configuration) => configuration
            .AddInMemoryCollection(DemoUser.FastHashSettings)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Identity:SigningKey"] = signingKeyPem })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>()));
    }

    protected override void ConfigureServices(IServiceCollection services)
    {
        if (clockOffset != TimeSpan.Zero)
        {
            services.AddSingleton<TimeProvider>(new OffsetTimeProvider(clockOffset));
        }
    }

    private sealed class OffsetTimeProvider(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}

/// <summary>
/// The gateway in memory with every cluster pointed at the <see cref="StubBackend"/> and its JWT metadata
/// back-channel pointed at <paramref name="identity"/>, so tokens are checked against identity's real JWKS.
/// </summary>
public sealed class GatewayFactory(StubBackend backend, IdentityIssuer identity, IDictionary<string, string?>? settings = null)
    : ServiceFactory<GatewayAssemblyMarker>("gateway")
{
    public static readonly string[] Backends = ["identity", "catalog", "ordering", "order-query", "inventory", "payment"];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        var configuration = Backends.ToDictionary(
            cluster => $"ReverseProxy:Clusters:{cluster}:Destinations:default:Address",
            cluster => (string?)backend.AddressOf(cluster).ToString());
        configuration["Authentication:MetadataAddress"] = "http://identity/.well-known/openid-configuration";
        builder.ConfigureAppConfiguration((_, config) => config
            .AddInMemoryCollection(configuration)
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>()));
    }

    protected override void ConfigureServices(IServiceCollection services) =>
        services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme,
            jwt => jwt.BackchannelHttpHandler = identity.Server.CreateHandler());
}

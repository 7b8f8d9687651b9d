using Dapr.Client;
using FlashSale.ServiceDefaults;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.TestSupport;

/// <summary>
/// Hosts one service in memory with its Dapr client replaced by <see cref="InMemoryDaprClient"/>. Requests go through
/// the service's real HTTP pipeline. <typeparamref name="TEntryPoint"/> is any public type of the service's assembly.
/// </summary>
public class ServiceFactory<TEntryPoint> : WebApplicationFactory<TEntryPoint> where TEntryPoint : class
{
    public ServiceFactory(string appId)
        : this(appId, new InMemoryDapr())
    {
    }

    /// <summary>A service sharing <paramref name="dapr"/> with others, as the services of one system share their stores.</summary>
    public ServiceFactory(string appId, InMemoryDapr dapr)
    {
        AppId = appId;
        Dapr = dapr;
    }

    public InMemoryDapr Dapr { get; }

    public string AppId { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<DaprClient>(new InMemoryDaprClient(Dapr, AppId));
            ConfigureServices(services);
        });
    }

    /// <summary>Further test-only replacements (clocks, downstream clients).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>A client that calls as the gateway does after validating a user's token.</summary>
    public HttpClient CreateClientAs(string userId, params string[] roles)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(GatewayHeaders.UserId, userId);
        client.DefaultRequestHeaders.Add(GatewayHeaders.UserRoles, string.Join(',', roles));
        return client;
    }
}

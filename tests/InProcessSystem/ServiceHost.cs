using System.Net;
using System.Net.Sockets;
using FlashSale.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.InProcessSystem;

/// <summary>How one service is started: its settings on top of its appsettings, and test-only replacements.</summary>
public sealed record HostSetup
{
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Settings a scenario may change while the service runs (read through <c>IOptionsMonitor</c>).</summary>
    public IConfigurationSource? LiveSettings { get; init; }

    public Action<IWebHostBuilder>? ConfigureHost { get; init; }

    public Action<IServiceCollection>? ConfigureServices { get; init; }
}

/// <summary>
/// One FlashSale service running its real Program on Kestrel on 127.0.0.1, as it runs in its pod, with its
/// <c>DaprClient</c> bound to the shared stand-in (<see cref="ServiceFactory{TEntryPoint}"/>). The HTTP endpoint is the
/// Kestrel endpoint named <c>Http</c> (catalog also has <c>Grpc</c>), moved to a free loopback port.
/// </summary>
public sealed class ServiceHost<TEntryPoint> : ServiceFactory<TEntryPoint> where TEntryPoint : class
{
    /// <summary>Hosts log warnings and errors only: a test run's output stays readable, and real problems still show.</summary>
    private static readonly Dictionary<string, string?> QuietLogs = new()
    {
        ["Serilog:MinimumLevel:Default"] = "Warning",
    };

    private readonly HostSetup _setup;

    private ServiceHost(string appId, InMemoryDapr dapr, Uri address, HostSetup setup)
        : base(appId, dapr)
    {
        Address = address;
        _setup = setup;
    }

    public Uri Address { get; }

    /// <summary>Starts the service; <paramref name="address"/> is reused on a restart, so callers need not learn a new one.</summary>
    public static ServiceHost<TEntryPoint> Start(string appId, InMemoryDapr dapr, HostSetup setup, Uri? address = null)
    {
        var host = new ServiceHost<TEntryPoint>(appId, dapr, address ?? Loopback.NewAddress(), setup);
        host.UseKestrel();
        host.StartServer();
        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureAppConfiguration((_, configuration) =>
        {
            configuration
                .AddInMemoryCollection(QuietLogs)
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Kestrel:Endpoints:Http:Url"] = Address.GetLeftPart(UriPartial.Authority) })
                .AddInMemoryCollection(_setup.Settings);
            if (_setup.LiveSettings is { } live)
            {
                configuration.Add(live);
            }
        });
        _setup.ConfigureHost?.Invoke(builder);
    }

    protected override void ConfigureServices(IServiceCollection services) => _setup.ConfigureServices?.Invoke(services);
}

internal static class Loopback
{
    /// <summary>
    /// An address on 127.0.0.1 with a port that was free a moment ago. Ports are chosen up front (rather than letting
    /// Kestrel pick) because catalog listens twice and a restarted service must come back where the gateway expects it.
    /// </summary>
    public static Uri NewAddress()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new Uri($"http://127.0.0.1:{port}");
    }
}

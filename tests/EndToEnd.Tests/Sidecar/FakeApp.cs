using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlashSale.EndToEnd.Tests.Sidecar;

/// <summary>A minimal ASP.NET Core app standing in for a service, hosted in memory (TestServer) or on loopback (Kestrel).</summary>
internal sealed class FakeApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeApp(WebApplication app) => _app = app;

    public IServiceProvider Services => _app.Services;

    public static Task<FakeApp> StartAsync(Action<WebApplication> map, Action<IServiceCollection>? services = null) =>
        StartAsync(map, services, kestrel: false);

    /// <summary>The app listens on 127.0.0.1 on a free port; <see cref="BaseAddress"/> says where.</summary>
    public static Task<FakeApp> StartOnLoopbackAsync(Action<WebApplication> map) => StartAsync(map, services: null, kestrel: true);

    public HttpMessageHandler CreateHandler() => _app.GetTestServer().CreateHandler();

    public Uri BaseAddress =>
        new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task<FakeApp> StartAsync(Action<WebApplication> map, Action<IServiceCollection>? services, bool kestrel)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (kestrel)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Logging.ClearProviders();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new FakeApp(app);
    }
}

/// <summary>What a fake subscriber received: the route it was called on and the CloudEvent, in arrival order.</summary>
internal sealed class Inbox
{
    private readonly ConcurrentQueue<Received> _received = new();

    public IReadOnlyList<Received> Received => _received.ToArray();

    public async Task<Received> RecordAsync(HttpRequest request)
    {
        using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        var received = new Received(request.Path, request.ContentType, request.Headers.TraceParent.ToString(), document.RootElement.Clone());
        _received.Enqueue(received);
        return received;
    }
}

internal sealed record Received(string Path, string? ContentType, string TraceParent, JsonElement CloudEvent)
{
    public string Attribute(string name) => CloudEvent.GetProperty(name).GetString()!;

    public string Id => Attribute("id");

    public string Type => Attribute("type");

    public string Data(string property) => CloudEvent.GetProperty("data").GetProperty(property).ToString();
}

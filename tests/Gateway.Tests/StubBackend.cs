using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlashSale.Gateway.Tests;

/// <summary>What a backend received from the gateway, as the stub echoes it (the body as text).</summary>
public sealed record BackendEcho(string Backend, string Method, string Path, string Query, Dictionary<string, string[]> Headers, string Body)
{
    /// <summary>The values of a header as the backend received it (none when absent); names are case-insensitive.</summary>
    public string[] Header(string name) =>
        Headers.FirstOrDefault(header => string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase)).Value ?? [];
}

/// <summary>
/// A real HTTP backend on Kestrel (127.0.0.1, ephemeral ports) standing in for every service behind the gateway. It
/// listens on one port per backend name, so the echo tells which cluster a request was sent to, and answers every
/// request with a <see cref="BackendEcho"/>. Requests carrying <see cref="HoldHeader"/> wait until the test releases
/// them, which lets a test keep requests in flight deterministically.
/// </summary>
public sealed class StubBackend : IAsyncDisposable
{
    public const string HoldHeader = "X-Stub-Hold";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, HeldRequests> _holds = new();
    private readonly Dictionary<string, Uri> _addresses = new();
    private readonly Dictionary<int, string> _backendsByPort = new();

    private StubBackend(WebApplication app) => _app = app;

    public static async Task<StubBackend> StartAsync(IReadOnlyCollection<string> backends)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var _ in backends)
            {
                kestrel.Listen(IPAddress.Loopback, 0);
            }
        });
        var stub = new StubBackend(builder.Build());
        stub._app.Map("/{**path}", stub.EchoAsync);
        await stub._app.StartAsync();

        var addresses = stub._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.Select(address => new Uri(address));
        foreach (var (backend, address) in backends.Zip(addresses))
        {
            stub._addresses[backend] = address;
            stub._backendsByPort[address.Port] = backend;
        }

        return stub;
    }

    public Uri AddressOf(string backend) => _addresses[backend];

    /// <summary>The requests sent with <c>X-Stub-Hold: key</c>; they stay in flight until released.</summary>
    public HeldRequests Hold(string key) => _holds.GetOrAdd(key, _ => new HeldRequests(key));

    public async ValueTask DisposeAsync()
    {
        foreach (var held in _holds.Values)
        {
            held.Release();
        }

        await _app.DisposeAsync();
    }

    private async Task EchoAsync(HttpContext http)
    {
        if (http.Request.Headers[HoldHeader] is [{ } key])
        {
            await Hold(key).ArriveAndWaitAsync(http.RequestAborted);
        }

        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync(http.RequestAborted);
        await http.Response.WriteAsJsonAsync(new BackendEcho(
            _backendsByPort[http.Connection.LocalPort],
            http.Request.Method,
            http.Request.Path.Value ?? "",
            http.Request.QueryString.Value ?? "",
            http.Request.Headers.ToDictionary(header => header.Key, header => header.Value.Select(value => value ?? "").ToArray()),
            body));
    }
}

public sealed class HeldRequests(string key)
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _arrivals = new(0);
    private int _arrived;

    /// <summary>The <see cref="StubBackend.HoldHeader"/> value that puts a request in this group.</summary>
    public string Key { get; } = key;

    public int Arrived => Volatile.Read(ref _arrived);

    /// <summary>Waits, up to a deadline, until <paramref name="count"/> requests have reached the backend.</summary>
    public async Task WaitForArrivalsAsync(int count, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            for (var i = 0; i < count; i++)
            {
                await _arrivals.WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"only {Arrived} of {count} requests reached the backend within {timeout}");
        }
    }

    public void Release() => _released.TrySetResult();

    internal async Task ArriveAndWaitAsync(CancellationToken aborted)
    {
        Interlocked.Increment(ref _arrived);
        _arrivals.Release();
        await _released.Task.WaitAsync(aborted);
    }
}

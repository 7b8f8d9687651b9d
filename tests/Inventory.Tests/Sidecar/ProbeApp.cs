using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;

namespace FlashSale.Inventory.Tests.Sidecar;

/// <summary>
/// A bare app speaking the app side of Dapr's actor API without the SDK (which has a turn lock of its own), so the
/// tests see exactly what the stand-in sidecar sends and when.
/// </summary>
internal sealed class ProbeApp : IAsyncDisposable
{
    public const string ActorType = "Probe";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _inFlight = new();
    private readonly ConcurrentDictionary<string, int> _maxInFlight = new();

    private ProbeApp(WebApplication app) => _app = app;

    public ConcurrentQueue<ProbeCall> Calls { get; } = new();

    /// <summary>Completed by the first call to a "signal" method; a "wait" method blocks until then.</summary>
    public TaskCompletionSource Signal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HttpMessageHandler Handler => _app.GetTestServer().CreateHandler();

    public int MaxInFlight(string actorId) => _maxInFlight.GetValueOrDefault(actorId);

    public static async Task<ProbeApp> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        var app = builder.Build();
        var probe = new ProbeApp(app);
        app.MapGet("/healthz", () => Results.Ok());
        app.MapGet("/dapr/config", () => Results.Json(new { entities = new[] { ActorType } }));
        app.MapPut("/actors/{type}/{id}/method/{method}", probe.InvokeAsync);
        app.MapPut("/actors/{type}/{id}/method/remind/{name}", async (HttpRequest request, string id, string name) =>
        {
            probe.Calls.Enqueue(new ProbeCall("remind", id, name, await new StreamReader(request.Body).ReadToEndAsync(), request.Headers.ToDictionary()));
            return Results.Ok();
        });
        app.MapDelete("/actors/{type}/{id}", (string id) => probe.Calls.Enqueue(new ProbeCall("deactivate", id, null, null, new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>())));
        await app.StartAsync();
        return probe;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task<IResult> InvokeAsync(HttpRequest request, string id, string method)
    {
        var inFlight = _inFlight.AddOrUpdate(id, 1, (_, count) => count + 1);
        _maxInFlight.AddOrUpdate(id, inFlight, (_, max) => Math.Max(max, inFlight));
        try
        {
            var body = await new StreamReader(request.Body).ReadToEndAsync();
            Calls.Enqueue(new ProbeCall(method, id, null, body, request.Headers.ToDictionary()));
            switch (method)
            {
                case "signal":
                    Signal.TrySetResult();
                    break;
                case "wait":
                    await Signal.Task.WaitAsync(TimeSpan.FromSeconds(10));
                    break;
                default:
                    // Widens the window in which an overlapping call would be seen.
                    await Task.Delay(5);
                    break;
            }

            request.HttpContext.Response.Headers["X-DaprErrorResponseHeader"] = $"answer-of-{id}";
            return Results.Text($"{method}:{body}", "application/octet-stream", statusCode: method == "teapot" ? 418 : 200);
        }
        finally
        {
            _inFlight.AddOrUpdate(id, 0, (_, count) => count - 1);
        }
    }
}

internal sealed record ProbeCall(string Kind, string ActorId, string? Name, string? Body, IReadOnlyDictionary<string, Microsoft.Extensions.Primitives.StringValues> Headers);

using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace FlashSale.TestSupport.Actors;

/// <summary>
/// The sidecar's channel to one app that hosts actors, speaking the app side of Dapr's actor API:
/// <c>GET /healthz</c>, <c>GET /dapr/config</c>, <c>PUT /actors/&lt;type&gt;/&lt;id&gt;/method/&lt;m&gt;</c>,
/// <c>PUT .../method/remind/&lt;name&gt;</c> and <c>DELETE /actors/&lt;type&gt;/&lt;id&gt;</c>. It remembers which
/// actors it activated, as the sidecar does, to know what a deactivation applies to.
/// </summary>
internal sealed class ActorApp : IDisposable
{
    // Hop-by-hop and framing headers belong to one connection and are never forwarded.
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Content-Length", "Transfer-Encoding", "Keep-Alive", "Expect", "Upgrade",
    };

    private readonly HttpClient _http;
    private readonly HashSet<ActorKey> _active = [];
    private readonly Lock _lock = new();

    private ActorApp(string appId, HttpClient http, IReadOnlySet<string> actorTypes)
    {
        AppId = appId;
        _http = http;
        ActorTypes = actorTypes;
    }

    public string AppId { get; }

    public IReadOnlySet<string> ActorTypes { get; }

    /// <summary>Like daprd: waits for nothing, but requires a healthy app, then asks which actor types it hosts.</summary>
    public static async Task<ActorApp> ConnectAsync(string appId, HttpClient http, CancellationToken cancellationToken)
    {
        using (var health = await http.GetAsync("healthz", cancellationToken))
        {
            if (!health.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"app '{appId}' is not healthy: GET /healthz answered {(int)health.StatusCode}");
            }
        }

        var config = await http.GetFromJsonAsync<JsonElement>("dapr/config", cancellationToken);
        if (config.TryGetProperty("reentrancy", out var reentrancy) && reentrancy.TryGetProperty("enabled", out var enabled)
            && enabled.ValueKind == JsonValueKind.True)
        {
            throw new NotSupportedException($"app '{appId}' enables actor reentrancy, which the stand-in sidecar does not model");
        }

        var types = config.TryGetProperty("entities", out var entities) && entities.ValueKind == JsonValueKind.Array
            ? entities.EnumerateArray().Select(entity => entity.GetString()!).ToHashSet(StringComparer.Ordinal)
            : [];
        return new ActorApp(appId, http, types);
    }

    public bool IsActive(ActorKey actor)
    {
        lock (_lock)
        {
            return _active.Contains(actor);
        }
    }

    /// <summary>Forwards a caller's invocation with its headers (the SDK's remoting header among them) and body.</summary>
    public async Task<HttpResponseMessage> InvokeMethodAsync(ActorKey actor, string method, HttpRequest incoming, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"{PathOf(actor)}/method/{Uri.EscapeDataString(method)}");
        using var body = new MemoryStream();
        await incoming.Body.CopyToAsync(body, cancellationToken);
        request.Content = new ByteArrayContent(body.ToArray());
        foreach (var (name, values) in incoming.Headers.Where(header => !NotForwarded.Contains(header.Key)))
        {
            if (!request.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                request.Content.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        return await SendAsync(actor, request, cancellationToken);
    }

    public Task<HttpResponseMessage> RemindAsync(ScheduledReminder reminder, CancellationToken cancellationToken) =>
        SendAsync(reminder.Actor, new HttpRequestMessage(HttpMethod.Put, $"{PathOf(reminder.Actor)}/method/remind/{Uri.EscapeDataString(reminder.Name)}")
        {
            Content = new StringContent(reminder.ToJson(), Encoding.UTF8, "application/json"),
        }, cancellationToken);

    /// <summary>Deactivates the actor if this app activated it; returns whether it did.</summary>
    public async Task<bool> DeactivateAsync(ActorKey actor, CancellationToken cancellationToken)
    {
        if (!IsActive(actor))
        {
            return false;
        }

        using var response = await _http.DeleteAsync(PathOf(actor), cancellationToken);
        response.EnsureSuccessStatusCode();
        lock (_lock)
        {
            _active.Remove(actor);
        }

        return true;
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(ActorKey actor, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            var response = await _http.SendAsync(request, cancellationToken);
            // The app activates an actor on its first call and keeps it until deactivated, whatever the call's outcome.
            lock (_lock)
            {
                _active.Add(actor);
            }

            return response;
        }
    }

    private static string PathOf(ActorKey actor) => $"actors/{Uri.EscapeDataString(actor.Type)}/{Uri.EscapeDataString(actor.Id)}";
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;

namespace FlashSale.TestSupport.Sidecar;

/// <summary>
/// Serves one more area of the sidecar's HTTP API (e.g. <c>/v1.0/actors/</c>) for calls made by
/// <paramref name="callerAppId"/>'s app.
/// </summary>
public delegate Task<HttpResponseMessage> SidecarApiHandler(string callerAppId, HttpRequestMessage request, CancellationToken cancellationToken);

/// <summary>
/// The sidecar's HTTP endpoint as one app sees it (what <c>http://127.0.0.1:3500</c> is in a pod): service invocation
/// by app id, HTTP (<c>/v1.0/invoke/{app-id}/method/...</c>, or any path with a <c>dapr-app-id</c> header) and gRPC
/// (proxied by the <c>dapr-app-id</c> metadata), health, and whatever areas are mapped on top (actors).
/// </summary>
internal sealed class SidecarHttpApi(string callerAppId, SidecarApps apps, IReadOnlyDictionary<string, SidecarApiHandler> areas, PlatformTiming timing)
    : HttpMessageHandler
{
    private const string InvokePrefix = "/v1.0/invoke/";
    private const string AppIdHeader = "dapr-app-id";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri?.AbsolutePath ?? "/";
        if (request.Headers.TryGetValues(AppIdHeader, out var targets))
        {
            return ForwardAsync(targets.First(), path, request, cancellationToken);
        }

        if (path.StartsWith(InvokePrefix, StringComparison.Ordinal)
            && path[InvokePrefix.Length..].Split('/', 3) is [var target, "method", var method])
        {
            return ForwardAsync(Uri.UnescapeDataString(target), "/" + method, request, cancellationToken);
        }

        if (path.StartsWith("/v1.0/healthz", StringComparison.Ordinal))
        {
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent) { RequestMessage = request });
        }

        foreach (var (prefix, handler) in areas)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal))
            {
                return handler(callerAppId, request, cancellationToken);
            }
        }

        return Task.FromResult(DaprError(request, HttpStatusCode.NotFound, "ERR_NOT_FOUND",
            $"the sidecar stand-in does not serve {request.Method} {path}"));
    }

    private async Task<HttpResponseMessage> ForwardAsync(string targetAppId, string path, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!apps.TryGet(targetAppId, out var target) || !target.IsRunning)
        {
            return Unreachable(request, targetAppId);
        }

        await PlatformClock.WaitAsync(timing.Invocation(grpc: IsGrpc(request)), cancellationToken);

        // daprd passes the call on unchanged except for the address and its caller/callee headers.
        request.RequestUri = new Uri(target.BaseAddress, path + request.RequestUri!.Query);
        request.Headers.Host = null;
        request.Headers.Remove(AppIdHeader);
        request.Headers.TryAddWithoutValidation("dapr-caller-app-id", callerAppId);
        request.Headers.TryAddWithoutValidation("dapr-callee-app-id", targetAppId);
        try
        {
            return await target.Invoker.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException)
        {
            return Unreachable(request, targetAppId);
        }
    }

    private static bool IsGrpc(HttpRequestMessage request) =>
        request.Content?.Headers.ContentType?.MediaType?.StartsWith("application/grpc", StringComparison.Ordinal) == true;

    private static HttpResponseMessage Unreachable(HttpRequestMessage request, string targetAppId)
    {
        var message = $"fail to invoke, id: {targetAppId}, err: app {targetAppId} is not reachable";
        if (IsGrpc(request))
        {
            // A trailers-only gRPC answer: status Unavailable, as daprd's proxy gives for an app it cannot reach.
            var response = new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Version = HttpVersion.Version20, Content = new ByteArrayContent([]) };
            response.Content.Headers.ContentType = new("application/grpc");
            response.Headers.TryAddWithoutValidation("grpc-status", "14");
            response.Headers.TryAddWithoutValidation("grpc-message", message);
            return response;
        }

        return DaprError(request, HttpStatusCode.InternalServerError, "ERR_DIRECT_INVOKE", message);
    }

    private static HttpResponseMessage DaprError(HttpRequestMessage request, HttpStatusCode status, string errorCode, string message) =>
        new(status) { RequestMessage = request, Content = JsonContent.Create(new { errorCode, message }) };
}

/// <summary>The areas mapped onto every app's sidecar HTTP API, by path prefix.</summary>
internal sealed class SidecarApiAreas
{
    private readonly ConcurrentDictionary<string, SidecarApiHandler> _areas = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, SidecarApiHandler> All => _areas;

    public void Map(string pathPrefix, SidecarApiHandler handler)
    {
        if (!pathPrefix.StartsWith("/v1.0", StringComparison.Ordinal))
        {
            throw new ArgumentException("areas of the Dapr API start with /v1.0", nameof(pathPrefix));
        }

        if (!_areas.TryAdd(pathPrefix, handler))
        {
            throw new InvalidOperationException($"'{pathPrefix}' is already mapped");
        }
    }
}

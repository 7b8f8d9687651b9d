using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FlashSale.OrderQuery.Infrastructure;
using FlashSale.Sidecar;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace FlashSale.OrderQuery.Api;

/// <summary>
/// A text/event-stream of snapshots of one projection. Each event carries the whole current state and an id derived
/// from it, so a reconnect that sends <c>Last-Event-ID</c> gets nothing until the state differs from what it holds, and
/// one that holds an older id gets the current state at once: a client never keeps an old number believing it current.
/// The projection is re-read from the shared view store, whichever replica applied the event: on every tick of
/// <see cref="PollInterval"/>; or, for a stream of one view (<paramref name="watchedKey"/>), as soon as this replica
/// writes it and otherwise every <see cref="WatchedPollInterval"/> (a write by another replica), so that the thousands
/// of order streams of a flash sale cost nothing between their few changes. A comment line keeps idle streams alive
/// through proxies that cut silent connections.
/// </summary>
public sealed class ServerSentEventStream(Func<CancellationToken, Task<object?>> readSnapshot, string eventType, string? watchedKey = null) : IResult
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan WatchedPollInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-transform";
        // nginx-style proxies buffer responses unless told otherwise; Envoy streams them as they come.
        response.Headers["X-Accel-Buffering"] = "no";
        var lastSent = httpContext.Request.Headers["Last-Event-ID"].ToString();
        var options = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var changes = httpContext.RequestServices.GetRequiredService<ViewChanges>();
        await response.WriteAsync("retry: 1000\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
        var quietSince = DateTimeOffset.UtcNow;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                // Watched before the read, so a write between the read and the wait is not missed.
                using var watch = watchedKey is null ? null : changes.WatchNextWrite(watchedKey);
                if (await readSnapshot(cancellationToken) is { } snapshot)
                {
                    var data = JsonSerializer.Serialize(snapshot, options);
                    var id = IdOf(data);
                    if (id != lastSent)
                    {
                        await response.WriteAsync($"id: {id}\nevent: {eventType}\ndata: {data}\n\n", cancellationToken);
                        await response.Body.FlushAsync(cancellationToken);
                        lastSent = id;
                        quietSince = DateTimeOffset.UtcNow;
                    }
                }

                if (DateTimeOffset.UtcNow - quietSince >= KeepAliveInterval)
                {
                    await response.WriteAsync(": keep-alive\n\n", cancellationToken);
                    await response.Body.FlushAsync(cancellationToken);
                    quietSince = DateTimeOffset.UtcNow;
                }

                if (watch is null)
                {
                    await Task.Delay(PollInterval, cancellationToken);
                }
                else
                {
                    await Task.WhenAny(watch.Written, Task.Delay(WatchedPollInterval, cancellationToken));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away: the normal end of a stream.
        }
        catch (StateStoreUnavailableException)
        {
            // The view store is down: end the stream; the client's reconnect resumes once it is back.
        }
    }

    /// <summary>The event id: a digest of the snapshot, so equal states have equal ids on every replica.</summary>
    public static string IdOf(string data) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(data)), 0, 12).ToLowerInvariant();
}

using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FlashSale.TestSupport.Actors;

/// <summary>
/// The caller side of Dapr's actors API (<c>/v1.0/actors/...</c>) with its documented status codes, and errors as
/// Dapr's <c>{"errorCode","message"}</c> JSON, which the SDK turns into a <c>DaprApiException</c>.
/// </summary>
internal static class ActorSidecarApi
{
    public static void MapActorSidecarApi(this WebApplication server, ActorSidecar sidecar)
    {
        // The SDK joins an endpoint ending in '/' (what DaprDefaults builds) and '/v1.0/...' into '//v1.0/...'; the
        // real sidecar's router cleans such paths, so this one does too.
        server.Use((http, next) =>
        {
            if (http.Request.Path.Value is { } path && path.Contains("//", StringComparison.Ordinal))
            {
                http.Request.Path = new PathString(string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries)).Insert(0, "/"));
            }

            return next(http);
        });
        server.UseRouting();

        var actors = server.MapGroup("/v1.0/actors/{actorType}/{actorId}");
        actors.MapMethods("/method/{method}", ["GET", "POST", "PUT", "DELETE"],
            (HttpContext http, string actorType, string actorId, string method) => InvokeAsync(http, sidecar, new(actorType, actorId), method));

        actors.MapGet("/state/{key}", async (HttpContext http, string actorType, string actorId, string key) =>
        {
            await sidecar.Turns.ChargeAsync(new(actorType, actorId), sidecar.Timing.StateOperation, http.RequestAborted);
            return sidecar.State.Read(new(actorType, actorId), key) is { } json
                ? Results.Text(json, "application/json")
                : Results.NoContent();
        });
        actors.MapMethods("/state", ["POST", "PUT"], async (HttpContext http, string actorType, string actorId) =>
        {
            await sidecar.Turns.ChargeAsync(new(actorType, actorId), sidecar.Timing.StateOperation, http.RequestAborted);
            return await ReadJsonAsync(http) is not { } body
                ? Error(400, "ERR_MALFORMED_REQUEST", "the state transaction is not JSON")
                : Try("ERR_ACTOR_STATE_TRANSACTION_SAVE", () =>
                    sidecar.State.Apply(new(actorType, actorId), ActorStateOperation.ParseTransaction(body)));
        });

        actors.MapMethods("/reminders/{name}", ["POST", "PUT"], async (HttpContext http, string actorType, string actorId, string name) =>
        {
            await sidecar.Turns.ChargeAsync(new(actorType, actorId), sidecar.Timing.ReminderOperation, http.RequestAborted);
            return await ReadJsonAsync(http) is not { } body
                ? Error(400, "ERR_MALFORMED_REQUEST", "the reminder is not JSON")
                : Try("ERR_ACTOR_REMINDER_CREATE", () => sidecar.Reminders.Register(new(actorType, actorId), name, body));
        });
        // An unknown reminder is a JSON null, which the SDK's GetReminderAsync turns into null.
        actors.MapGet("/reminders/{name}", (string actorType, string actorId, string name) =>
            Results.Text(sidecar.Reminders.Find(new(actorType, actorId), name)?.ToJson() ?? "null", "application/json"));
        actors.MapDelete("/reminders/{name}", async (HttpContext http, string actorType, string actorId, string name) =>
        {
            await sidecar.Turns.ChargeAsync(new(actorType, actorId), sidecar.Timing.ReminderOperation, http.RequestAborted);
            sidecar.Reminders.Delete(new(actorType, actorId), name);
            return Results.NoContent();
        });

        // Failing loudly beats a test that silently never fires its timer.
        actors.MapMethods("/timers/{name}", ["POST", "PUT", "DELETE"], () =>
            Error(501, "ERR_ACTOR_TIMER_CREATE", "actor timers are not modelled by the stand-in sidecar; FlashSale uses reminders"));
    }

    private static async Task<IResult> InvokeAsync(HttpContext http, ActorSidecar sidecar, ActorKey actor, string method)
    {
        if (sidecar.Placement.HostOf(actor.Type) is not { } app)
        {
            return Error(500, "ERR_ACTOR_INVOKE_METHOD", $"no app hosts actor type '{actor.Type}' (did the test call HostAppAsync?)");
        }

        using var turn = await sidecar.Turns.EnterAsync(actor, http.RequestAborted);
        turn.Charge(sidecar.Timing.ActorCall);
        using var response = await app.InvokeMethodAsync(actor, method, http.Request, http.RequestAborted);
        await turn.HoldAsync(http.RequestAborted);
        // The app's answer goes back as it is: status, headers (the SDK's remoting error header among them) and body.
        http.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers)
                     .Where(header => header.Key is not ("Transfer-Encoding" or "Content-Length")))
        {
            http.Response.Headers[name] = values.ToArray();
        }

        await response.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
        return Results.Empty;
    }

    private static async Task<JsonElement?> ReadJsonAsync(HttpContext http)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult Try(string errorCode, Action apply)
    {
        try
        {
            apply();
            return Results.NoContent();
        }
        catch (FormatException ex)
        {
            return Error(400, errorCode, ex.Message);
        }
    }

    private static IResult Error(int status, string errorCode, string message) =>
        Results.Json(new { errorCode, message }, statusCode: status);
}

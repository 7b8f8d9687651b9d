using System.Text.Json;
using FlashSale.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlashSale.Messaging;

/// <summary>
/// The endpoints Dapr delivers to. Bad payloads never throw out of here: a message that can never be processed is
/// answered DROP with a warning that says why, so it cannot block its Kafka partition.
/// </summary>
internal static class EventDelivery
{
    public static async Task<IResult> Deliver<TEvent>(HttpContext http, ILoggerFactory loggers) where TEvent : IIntegrationEvent
    {
        var logger = loggers.CreateLogger(typeof(EventDelivery));
        var envelope = await CloudEventEnvelope.ReadAsync(http.Request, http.RequestAborted);
        if (envelope.Error is not null)
        {
            return Answer(http, EventOutcome.Drop, logger, envelope, envelope.Error);
        }

        using var scope = logger.BeginEventScope(envelope.Data);
        TEvent? integrationEvent;
        try
        {
            integrationEvent = envelope.Data!.Value.Deserialize<TEvent>(EventJson.Options);
        }
        catch (JsonException ex)
        {
            return Answer(http, EventOutcome.Drop, logger, envelope, $"payload does not match {typeof(TEvent).Name}: {ex.Message}");
        }

        if (integrationEvent is null)
        {
            return Answer(http, EventOutcome.Drop, logger, envelope, "payload is null");
        }

        try
        {
            var handler = http.RequestServices.GetRequiredService<IEventHandler<TEvent>>();
            var outcome = await handler.HandleAsync(integrationEvent, envelope.Context, http.RequestAborted);
            return Answer(http, outcome, logger, envelope, outcome == EventOutcome.Drop ? "the handler refused it" : null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A transient failure (store, network): let Dapr retry; its resiliency policy bounds the retries and then
            // the message goes to the dead-letter topic.
            logger.LogError(ex, "Handling {EventType} {EventId} failed; asking Dapr to retry", envelope.Context.Type, envelope.Context.Id);
            return Answer(http, EventOutcome.Retry, logger, envelope, dropReason: null);
        }
    }

    public static IResult Acknowledge() => DaprAnswer(EventOutcome.Success);

    public static async Task<IResult> DropUnknownType(HttpContext http, ILoggerFactory loggers)
    {
        var envelope = await CloudEventEnvelope.ReadAsync(http.Request, http.RequestAborted);
        return Answer(http, EventOutcome.Drop, loggers.CreateLogger(typeof(EventDelivery)), envelope,
            envelope.Error ?? $"unknown event type '{envelope.Context.Type}'");
    }

    private static IResult Answer(HttpContext http, EventOutcome outcome, ILogger logger, CloudEventEnvelope envelope, string? dropReason)
    {
        // The route is /events/{topic}[/{type}] (EventSubscriptions.MapTopic).
        var topic = http.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) ?? "?";
        http.RequestServices.GetService<EventMetrics>()?.Answered(topic, envelope.Context.Type, outcome);
        if (outcome == EventOutcome.Drop)
        {
            logger.LogWarning("Dropping message {EventId} of type {EventType} from {Source} to the dead-letter topic: {Reason}",
                envelope.Context.Id, envelope.Context.Type, envelope.Context.Source, dropReason);
        }

        return DaprAnswer(outcome);
    }

    private static IResult DaprAnswer(EventOutcome outcome) => Results.Json(new
    {
        status = outcome switch
        {
            EventOutcome.Success => "SUCCESS",
            EventOutcome.Retry => "RETRY",
            _ => "DROP",
        },
    });
}

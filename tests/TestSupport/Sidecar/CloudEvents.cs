using System.Diagnostics;
using System.Globalization;
using System.Net.Mime;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlashSale.TestSupport.Sidecar;

/// <summary>
/// Builds the CloudEvents 1.0 envelope daprd puts around a published message (dapr/pkg/runtime/pubsub/cloudevents.go and
/// components-contrib's NewCloudEventsEnvelope): JSON content becomes a JSON <c>data</c> value, binary content
/// <c>data_base64</c>, anything else a string.
/// </summary>
public static class CloudEvents
{
    public const string ContentType = "application/cloudevents+json";
    public const string DefaultType = "com.dapr.event.sent";
    private const string DefaultDataContentType = MediaTypeNames.Text.Plain;
    private const string MetadataPrefix = "cloudevent.";

    /// <summary>The envelope for a message an app published (pub/sub API or outbox).</summary>
    public static byte[] Wrap(PublishedMessage message, DateTimeOffset now) =>
        message.ViaOutbox ? WrapOutbox(message, now) : WrapPublished(message, now);

    /// <summary>A new W3C trace context, as daprd starts one for a publish outside any trace.</summary>
    // Random ids as OpenTelemetry makes them (not a cryptographic generator: trace ids are no secret, and this runs per event).
    public static string NewTraceParent() => $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01";

    private static byte[] WrapPublished(PublishedMessage message, DateTimeOffset now)
    {
        var envelope = IsCloudEvent(message.ContentType) && TryParseObject(message.Data) is { } own
            ? own
            : Envelope(Guid.NewGuid().ToString(), message, now);

        // An app's own CloudEvent keeps its attributes; daprd fills in what is missing and always sets the routing ones.
        envelope.TryAdd("id", Guid.NewGuid().ToString());
        envelope.TryAdd("source", message.AppId);
        envelope.TryAdd("type", DefaultType);
        envelope.TryAdd("specversion", "1.0");
        var traceParent = NewTraceParent();
        envelope.TryAdd("traceparent", traceParent);
        envelope.TryAdd("traceid", traceParent);
        envelope.TryAdd("tracestate", string.Empty);
        envelope.TryAdd("time", Rfc3339(now));
        envelope["topic"] = message.Topic;
        envelope["pubsubname"] = message.PubSubName;

        // Publish metadata "cloudevent.<attribute>" overrides a Dapr-generated attribute (never the data).
        foreach (var (key, value) in message.Metadata)
        {
            if (key.StartsWith(MetadataPrefix, StringComparison.Ordinal) && key.Length > MetadataPrefix.Length)
            {
                var attribute = key[MetadataPrefix.Length..];
                if (attribute is not ("data" or "data_base64"))
                {
                    envelope[attribute] = value;
                }
            }
        }

        return JsonSerializer.SerializeToUtf8Bytes(envelope);
    }

    // dapr/pkg/runtime/pubsub/outbox.go: id "outbox-<uuid>", the upsert's metadata copied verbatim as attributes
    // (except id and data), no cloudevent.* translation.
    private static byte[] WrapOutbox(PublishedMessage message, DateTimeOffset now)
    {
        var envelope = Envelope($"outbox-{Guid.NewGuid()}", message, now);
        foreach (var (key, value) in message.Metadata)
        {
            if (key is not ("data" or "id"))
            {
                envelope[key] = value;
            }
        }

        return JsonSerializer.SerializeToUtf8Bytes(envelope);
    }

    private static JsonObject Envelope(string id, PublishedMessage message, DateTimeOffset now)
    {
        var traceParent = NewTraceParent();
        var contentType = string.IsNullOrEmpty(message.ContentType) ? DefaultDataContentType : message.ContentType;
        var envelope = new JsonObject
        {
            ["id"] = id,
            ["source"] = message.AppId,
            ["type"] = DefaultType,
            ["specversion"] = "1.0",
            ["datacontenttype"] = contentType,
            ["topic"] = message.Topic,
            ["pubsubname"] = message.PubSubName,
            ["traceid"] = traceParent,
            ["traceparent"] = traceParent,
            ["tracestate"] = string.Empty,
            ["time"] = Rfc3339(now),
        };

        if (IsJson(contentType))
        {
            // Content that claims to be JSON but is not is carried as a string, as daprd does.
            envelope["data"] = TryParse(message.Data) ?? JsonValue.Create(Encoding.UTF8.GetString(message.Data));
        }
        else if (IsBinary(contentType))
        {
            envelope["data_base64"] = Convert.ToBase64String(message.Data);
        }
        else
        {
            envelope["data"] = Encoding.UTF8.GetString(message.Data);
        }

        return envelope;
    }

    private static string Rfc3339(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static string MediaType(string contentType) => contentType.Split(';', 2)[0].Trim().ToLowerInvariant();

    private static bool IsCloudEvent(string contentType) => MediaType(contentType) == ContentType;

    private static bool IsJson(string contentType) =>
        MediaType(contentType) is "application/json" or "text/json" || MediaType(contentType).EndsWith("+json", StringComparison.Ordinal);

    private static bool IsBinary(string contentType) => MediaType(contentType) == MediaTypeNames.Application.Octet;

    private static JsonNode? TryParse(byte[] data)
    {
        try
        {
            return JsonNode.Parse(data);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonObject? TryParseObject(byte[] data) => TryParse(data) as JsonObject;
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace FlashSale.Messaging;

/// <summary>JSON settings for event payloads: web casing, and strict about what a contract requires.</summary>
public static class EventJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { new JsonStringEnumConverter() },
    };
}

/// <summary>
/// A CloudEvent as the Dapr sidecar delivers it (<c>application/cloudevents+json</c>). Parsing never throws: whatever
/// is wrong with the message ends up in <see cref="Error"/> so the caller can drop it with a reason.
/// </summary>
internal sealed record CloudEventEnvelope(EventContext Context, JsonElement? Data, string? Error)
{
    public static async Task<CloudEventEnvelope> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(cancellationToken);
        var unknown = new EventContext("?", "?", "?");
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            return new(unknown, null, "the message is not valid JSON");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return new(unknown, null, "the message is not a CloudEvent object");
        }

        var context = new EventContext(Text(root, "id"), Text(root, "type"), Text(root, "source"), TimeOf(root));
        return DataOf(root) switch
        {
            { } data => new(context, data, null),
            null => new(context, null, "the CloudEvent's data is missing or is not JSON"),
        };
    }

    private static string Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "?";

    private static DateTimeOffset? TimeOf(JsonElement root) =>
        root.TryGetProperty("time", out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time) ? time : null;

    // Dapr carries JSON data as a JSON value; a non-JSON publish arrives as a string (or base64) that we try to parse
    // so a producer that sent serialized JSON as text is still understood.
    private static JsonElement? DataOf(JsonElement root)
    {
        if (root.TryGetProperty("data", out var data))
        {
            return data.ValueKind switch
            {
                JsonValueKind.Object => data,
                JsonValueKind.String => TryParse(data.GetString()!),
                _ => null,
            };
        }

        return root.TryGetProperty("data_base64", out var base64) && base64.ValueKind == JsonValueKind.String
            ? TryParseBase64(base64.GetString()!)
            : null;
    }

    private static JsonElement? TryParseBase64(string base64)
    {
        try
        {
            return TryParse(Encoding.UTF8.GetString(Convert.FromBase64String(base64)));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static JsonElement? TryParse(string text)
    {
        try
        {
            var element = JsonDocument.Parse(text).RootElement;
            return element.ValueKind == JsonValueKind.Object ? element : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace FlashSale.Messaging;

/// <summary>Log scope properties that correlate one order's records across services (OpenSearch filters on them).</summary>
public static class LogScopes
{
    /// <summary>The order a record is about: the <c>OrderId</c> property of every record logged inside the scope.</summary>
    public const string OrderId = "OrderId";

    public static IDisposable? BeginOrderScope(this ILogger logger, string orderId) =>
        logger.BeginScope(new Dictionary<string, object> { [OrderId] = orderId });

    /// <summary>The scope of an event's handling: its order, when the payload names one (<c>orderId</c>).</summary>
    internal static IDisposable? BeginEventScope(this ILogger logger, JsonElement? data) =>
        data is { ValueKind: JsonValueKind.Object } payload && payload.TryGetProperty("orderId", out var id) && id.ValueKind == JsonValueKind.String
            ? logger.BeginOrderScope(id.GetString()!)
            : null;
}

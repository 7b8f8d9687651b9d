using System.Text.Json;
using System.Text.Json.Serialization;
using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Infrastructure;

/// <summary>The report as JSON (camelCase; durations in seconds, latencies in milliseconds, as named).</summary>
public static class ReportFile
{
    public static string ToJson(LoadReport report) => JsonSerializer.Serialize(report, ReportJson.Default.LoadReport);

    public static async Task WriteAsync(string path, LoadReport report, CancellationToken cancellationToken) =>
        await File.WriteAllTextAsync(path, ToJson(report) + Environment.NewLine, cancellationToken);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(LoadReport))]
internal sealed partial class ReportJson : JsonSerializerContext;

using System.Text.Json;

namespace FlashSale.TestSupport;

/// <summary>A message an app handed to the Dapr pub/sub API, with the metadata it set (partitionKey, cloudevent.type).</summary>
public sealed record PublishedMessage(string AppId, string PubSubName, string Topic, byte[] Data, string ContentType, IReadOnlyDictionary<string, string> Metadata)
{
    public string? CloudEventType => Metadata.GetValueOrDefault("cloudevent.type");

    public string? PartitionKey => Metadata.GetValueOrDefault("partitionKey");

    public T Deserialize<T>() => JsonSerializer.Deserialize<T>(Data, JsonSerializerOptions.Web)
        ?? throw new InvalidOperationException($"message on {Topic} is null");
}

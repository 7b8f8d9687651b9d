using System.Text.Json;

namespace FlashSale.TestSupport;

/// <summary>A message an app handed to the Dapr pub/sub API, with the metadata it set (partitionKey, cloudevent.type).</summary>
public sealed record PublishedMessage(string AppId, string PubSubName, string Topic, byte[] Data, string ContentType, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>
    /// Published by the state store's transactional outbox, not by the pub/sub API. daprd builds that CloudEvent
    /// differently: it copies the upsert's metadata into the envelope verbatim (so the key <c>type</c> sets the type;
    /// <c>cloudevent.type</c> does not) and publishes without the Kafka <c>partitionKey</c>.
    /// </summary>
    public bool ViaOutbox { get; init; }

    /// <summary>The CloudEvent <c>type</c> daprd will put on the envelope, or null for Dapr's default.</summary>
    public string? CloudEventType => Metadata.GetValueOrDefault(ViaOutbox ? "type" : "cloudevent.type");

    /// <summary>The <c>partitionKey</c> metadata the app set (see <see cref="BrokerKey"/> for what reaches Kafka).</summary>
    public string? PartitionKey => Metadata.GetValueOrDefault("partitionKey");

    /// <summary>The Kafka message key, or null when the broker picks a partition itself (always so for the outbox).</summary>
    public string? BrokerKey => ViaOutbox ? null : PartitionKey;

    public T Deserialize<T>() => JsonSerializer.Deserialize<T>(Data, JsonSerializerOptions.Web)
        ?? throw new InvalidOperationException($"message on {Topic} is null");
}

using System.Globalization;
using YamlDotNet.RepresentationModel;
using static FlashSale.TestSupport.Sidecar.YamlLookup;

namespace FlashSale.TestSupport.Sidecar;

/// <summary>
/// The Kafka topics and partition counts the cluster is given, read from the infrastructure chart's values
/// (<c>charts/flashsale-infra/values.yaml</c>), as its <c>kafka-topics.yaml</c> template creates them: each topic of
/// <c>kafka.topics[]</c>, its <c>&lt;topic&gt;.deadletter</c> with <c>kafka.deadLetterPartitions</c>, and for each
/// <c>kafka.outbox[]</c> entry Dapr's internal outbox topic, with the entry's own <c>partitions</c> or else its topic's.
/// </summary>
public sealed record KafkaTopics
{
    public static readonly string ChartValuesPath = Path.Combine("charts", "flashsale-infra", "values.yaml");

    private static readonly Lazy<KafkaTopics> Chart = new(() => Load(RepositoryFiles.PathOf(ChartValuesPath)));

    public KafkaTopics(IReadOnlyDictionary<string, int> partitions, IReadOnlyDictionary<(string AppId, string Topic), int> outboxPartitions)
    {
        Partitions = partitions;
        OutboxPartitions = outboxPartitions;
    }

    /// <summary>Partitions per topic name, dead-letter topics included.</summary>
    public IReadOnlyDictionary<string, int> Partitions { get; init; }

    /// <summary>Partitions of the internal outbox topic of each (app id, topic) that publishes through daprd's outbox.</summary>
    public IReadOnlyDictionary<(string AppId, string Topic), int> OutboxPartitions { get; init; }

    /// <summary>The repository chart's topics (read once per process).</summary>
    public static KafkaTopics FromChart() => Chart.Value;

    public int? PartitionsOf(string topic) => Partitions.TryGetValue(topic, out var count) ? count : null;

    /// <summary>The internal outbox topic's partitions; one for an outbox the chart does not declare (Kafka's default).</summary>
    public int OutboxPartitionsOf(string appId, string topic) => OutboxPartitions.GetValueOrDefault((appId, topic), 1);

    /// <summary>The same topics with another partition count for one outbox (e.g. one partition, to watch it in a test).</summary>
    public KafkaTopics WithOutboxPartitions(string appId, string topic, int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        var outbox = OutboxPartitions.ToDictionary(pair => pair.Key, pair => pair.Value);
        outbox[(appId, topic)] = partitions;
        return this with { OutboxPartitions = outbox };
    }

    public static KafkaTopics Load(string valuesPath)
    {
        var kafka = Child<YamlMappingNode>(LoadMapping(valuesPath), "kafka")
            ?? throw new InvalidDataException($"{valuesPath}: no kafka section");
        var partitions = new Dictionary<string, int>(StringComparer.Ordinal);
        var deadLetterPartitions = Number(kafka, "deadLetterPartitions", valuesPath) ?? 1;
        foreach (var topic in Entries(kafka, "topics"))
        {
            var name = Scalar(topic, "name") ?? throw new InvalidDataException($"{valuesPath}: a kafka.topics entry has no name");
            partitions[name] = Number(topic, "partitions", valuesPath) ?? throw new InvalidDataException($"{valuesPath}: topic {name} has no partitions");
            partitions[Contracts.PubSub.DeadLetterTopic(name)] = deadLetterPartitions;
        }

        var outbox = new Dictionary<(string, string), int>();
        foreach (var entry in Entries(kafka, "outbox"))
        {
            var (appId, topic) = (Scalar(entry, "appId"), Scalar(entry, "topic"));
            if (appId is null || topic is null)
            {
                throw new InvalidDataException($"{valuesPath}: a kafka.outbox entry needs appId and topic");
            }

            outbox[(appId, topic)] = Number(entry, "partitions", valuesPath) ?? partitions.GetValueOrDefault(topic, 1);
        }

        return new KafkaTopics(partitions, outbox);
    }

    private static IEnumerable<YamlMappingNode> Entries(YamlMappingNode kafka, string key) =>
        Child<YamlSequenceNode>(kafka, key)?.OfType<YamlMappingNode>() ?? [];

    private static int? Number(YamlMappingNode node, string key, string path) => Scalar(node, key) switch
    {
        null => null,
        var text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 => value,
        var text => throw new InvalidDataException($"{path}: {key} must be a positive whole number, not '{text}'"),
    };
}

using System.Collections.Concurrent;
using System.Text.Json;

namespace FlashSale.TestSupport;

/// <summary>
/// What a Dapr sidecar (and the infrastructure behind it) holds for a test: the state stores and the messages
/// published. Services talk to it through <see cref="InMemoryDaprClient"/>, never directly.
/// </summary>
public sealed class InMemoryDapr
{
    private readonly ConcurrentDictionary<string, InMemoryStateStore> _stores = new();
    private readonly ConcurrentQueue<PublishedMessage> _published = new();
    private readonly ConcurrentDictionary<string, OutboxSettings> _outboxes = new();

    /// <summary>Raised after a message is accepted for publishing; an end-to-end harness delivers it from here.</summary>
    public event Action<PublishedMessage>? MessagePublished;

    /// <summary>
    /// Called at the start of every state transaction, before anything is checked or applied. A test interleaves a
    /// concurrent write here (so the transaction meets a stale ETag) or throws as an unavailable store would.
    /// </summary>
    public Action<string, IReadOnlyList<Dapr.Client.StateTransactionRequest>>? BeforeStateTransaction { get; set; }

    public InMemoryStateStore Store(string name) => _stores.GetOrAdd(name, n => new InMemoryStateStore(n));

    /// <summary>
    /// Gives a store Dapr's transactional outbox (component metadata <c>outboxPublishPubsub</c> /
    /// <c>outboxPublishTopic</c>): every upsert of a committed transaction is published, or its projection.
    /// </summary>
    public void ConfigureOutbox(string storeName, string pubsubName, string topic) =>
        _outboxes[storeName] = new OutboxSettings(pubsubName, topic);

    internal OutboxSettings? OutboxOf(string storeName) => _outboxes.GetValueOrDefault(storeName);

    public IReadOnlyCollection<PublishedMessage> Published => _published.ToArray();

    public IReadOnlyList<T> PublishedEvents<T>(string topic) =>
        _published.Where(m => m.Topic == topic && Matches<T>(m)).Select(m => m.Deserialize<T>()).ToList();

    public T? ReadState<T>(string storeName, string key) =>
        Store(storeName).Get(key) is { } item ? JsonSerializer.Deserialize<T>(item.Value, JsonSerializerOptions.Web) : default;

    /// <summary>Seeds a value the way a service's own SaveState would have stored it.</summary>
    public void WriteState<T>(string storeName, string key, T value) =>
        Store(storeName).TryApply([new StateWrite(key, JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web), null, Dapr.Client.ConcurrencyMode.LastWrite)]);

    internal void Publish(PublishedMessage message)
    {
        _published.Enqueue(message);
        MessagePublished?.Invoke(message);
    }

    // Events carry their contract in the cloudevent.type metadata; match on the CLR type's contract when it has one.
    private static bool Matches<T>(PublishedMessage message) =>
        typeof(T).GetCustomAttributes(typeof(Contracts.CloudEventTypeAttribute), false) is [Contracts.CloudEventTypeAttribute contract]
            ? message.CloudEventType == contract.Type
            : true;
}

internal sealed record OutboxSettings(string PubSubName, string Topic);

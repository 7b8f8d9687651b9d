using System.Collections.Concurrent;
using System.Text.Json;
using FlashSale.Sidecar;
using FlashSale.TestSupport.Sidecar;

namespace FlashSale.TestSupport;

/// <summary>
/// What a Dapr sidecar (and the infrastructure behind it) holds for a test: the state stores and the messages
/// published. Services talk to it through <see cref="InMemoryDaprClient"/>, never directly.
/// <para>
/// Without <see cref="UseComponents"/> any store or pub/sub name works (handy for one service's component tests). With
/// the project's components loaded, only declared components exist and each app sees only those scoped to it, as in the
/// cluster.
/// </para>
/// </summary>
public sealed class InMemoryDapr
{
    private readonly ConcurrentDictionary<string, InMemoryStateStore> _stores = new();
    private readonly ConcurrentQueue<PublishedMessage> _published = new();
    private readonly ConcurrentDictionary<string, OutboxSettings> _outboxes = new();
    private volatile bool _keepsHistory = true;

    /// <summary>Raised after a message is accepted for publishing; an end-to-end harness delivers it from here.</summary>
    public event Action<PublishedMessage>? MessagePublished;

    /// <summary>The Dapr components in force, or null when any name is accepted.</summary>
    public DaprComponents? Components { get; private set; }

    /// <summary>
    /// Takes the stores, pub/sub, outbox settings and scopes from Dapr component definitions (normally
    /// <see cref="DaprComponents.LoadFromRepository"/>) and enforces them from now on. Call it before anything is stored.
    /// </summary>
    public InMemoryDapr UseComponents(DaprComponents components)
    {
        if (!_stores.IsEmpty || !_published.IsEmpty)
        {
            throw new InvalidOperationException("Load the components before any state or message exists.");
        }

        Components = components;
        foreach (var store in components.All.Where(component => component.IsStateStore))
        {
            if (store.Outbox is var (pubsub, topic))
            {
                ConfigureOutbox(store.Name, pubsub, topic);
            }
        }

        return this;
    }

    /// <summary>
    /// Called at the start of every state transaction, before anything is checked or applied. A test interleaves a
    /// concurrent write here (so the transaction meets a stale ETag) or throws as an unavailable store would.
    /// </summary>
    public Action<string, IReadOnlyList<Dapr.Client.StateTransactionRequest>>? BeforeStateTransaction { get; set; }

    /// <summary>Set by a sidecar stand-in: the HTTP API of the sidecar next to an app (service invocation, actors).</summary>
    internal Func<string, HttpMessageHandler>? SidecarHandlerFactory { get; set; }

    /// <summary>Set by a sidecar stand-in: how long state operations and publishes take (none without one).</summary>
    internal PlatformTiming Timing { get; set; } = PlatformTiming.None;

    /// <summary>Every publish fails as it does while the broker is unreachable, until the returned handle is disposed.</summary>
    public IDisposable SimulateBrokerOutage()
    {
        BrokerUnavailable = true;
        return new BrokerOutage(this);
    }

    internal bool BrokerUnavailable { get; private set; }

    private int _refusedPublishes;

    /// <summary>Publishes refused because of a simulated broker outage: a test can wait for the attempt it provokes.</summary>
    public int RefusedPublishes => Volatile.Read(ref _refusedPublishes);

    internal void RefusedPublish() => Interlocked.Increment(ref _refusedPublishes);

    internal void EndBrokerOutage() => BrokerUnavailable = false;

    public InMemoryStateStore Store(string name) => _stores.GetOrAdd(name, n => new InMemoryStateStore(n, ETagFormatOf(n)));

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
        Store(storeName).Get(key) is { } item ? JsonSerializer.Deserialize<T>(item.Value, StateJson.Options) : default;

    /// <summary>Seeds a value the way a service's own SaveState would have stored it.</summary>
    public void WriteState<T>(string storeName, string key, T value) =>
        Store(storeName).TryApply([new StateWrite(key, JsonSerializer.SerializeToUtf8Bytes(value, StateJson.Options), null, Dapr.Client.ConcurrencyMode.LastWrite)]);

    /// <summary>The store as <paramref name="appId"/>'s sidecar sees it: fails like daprd when it is not loaded there.</summary>
    internal InMemoryStateStore StoreFor(string appId, string storeName)
    {
        if (Components is { } components
            && (components.Find(storeName) is not { IsStateStore: true } || !IsVisible(components, storeName, appId)))
        {
            throw DaprErrors.StateStoreNotFound(storeName);
        }

        return Store(storeName);
    }

    /// <summary>Fails like daprd when the pub/sub component is not loaded in <paramref name="appId"/>'s sidecar.</summary>
    internal void EnsurePubSubFor(string appId, string pubsubName)
    {
        if (Components is { } components
            && (components.Find(pubsubName) is not { IsPubSub: true } || !IsVisible(components, pubsubName, appId)))
        {
            throw DaprErrors.PubSubNotFound(pubsubName);
        }
    }

    /// <summary>See <see cref="Sidecar.DaprSidecarStandIn.StopKeepingHistory"/>.</summary>
    internal void StopKeepingHistory() => _keepsHistory = false;

    internal void Publish(PublishedMessage message)
    {
        if (_keepsHistory)
        {
            _published.Enqueue(message);
        }

        MessagePublished?.Invoke(message);
    }

    private static bool IsVisible(DaprComponents components, string name, string appId) =>
        components.Find(name)?.IsVisibleTo(appId) == true;

    private ETagFormat ETagFormatOf(string storeName) => Components?.Find(storeName)?.Type switch
    {
        { } type when type.StartsWith("state.postgresql", StringComparison.Ordinal) => ETagFormat.Uuid,
        { } type when type.StartsWith("state.redis", StringComparison.Ordinal) => ETagFormat.Version,
        _ => ETagFormat.Opaque,
    };

    // Events carry their contract in the CloudEvent type; match on the CLR type's contract when it has one.
    private static bool Matches<T>(PublishedMessage message) =>
        typeof(T).GetCustomAttributes(typeof(Contracts.CloudEventTypeAttribute), false) is [Contracts.CloudEventTypeAttribute contract]
            ? message.CloudEventType == contract.Type
            : true;
}

internal sealed record OutboxSettings(string PubSubName, string Topic);

internal sealed class BrokerOutage(InMemoryDapr dapr) : IDisposable
{
    public void Dispose() => dapr.EndBrokerOutage();
}

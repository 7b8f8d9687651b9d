using System.Collections.Concurrent;
using FlashSale.Messaging;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace FlashSale.TestSupport.Sidecar;

/// <summary>
/// Everything the Dapr sidecars and Kafka do between FlashSale's services, in one test process: the state stores and
/// scopes of <see cref="InMemoryDapr"/> (normally loaded from <c>components/</c>), a pub/sub broker that learns each
/// app's subscriptions from its real <c>GET /dapr/subscribe</c> and delivers CloudEvents over HTTP, service invocation
/// by app id (HTTP and gRPC), and fault switches. Apps are registered by app id with the handler that reaches them.
/// <para>
/// Seams for other parts of the stand-in (the actor runtime): <see cref="MapApi"/> adds an area of the sidecar's HTTP
/// API, <see cref="Apps"/> reaches and tracks the apps, <see cref="AddIdleCheck"/> joins quiescence.
/// </para>
/// </summary>
public sealed class DaprSidecarStandIn : IAsyncDisposable
{
    /// <summary>The address apps believe their sidecar has; requests never leave the process.</summary>
    public static readonly Uri SidecarAddress = new("http://127.0.0.1:3500");

    private readonly SidecarApiAreas _areas = new();
    private readonly ConcurrentDictionary<string, Func<bool>> _idleChecks = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<GrpcChannel> _channels = [];

    public DaprSidecarStandIn(InMemoryDapr dapr, SidecarOptions? options = null)
    {
        Dapr = dapr;
        Options = options ?? new SidecarOptions();
        PubSub = new PubSubBroker(dapr, Apps, Options, Faults);
        dapr.SidecarHandlerFactory = CreateHttpHandler;
        dapr.Timing = Options.Timing;
    }

    /// <summary>A stand-in over the project's own components (<c>components/*.yaml</c>), scopes enforced.</summary>
    public static DaprSidecarStandIn ForRepositoryComponents(SidecarOptions? options = null) =>
        new(new InMemoryDapr().UseComponents(DaprComponents.LoadFromRepository()), options);

    public InMemoryDapr Dapr { get; }

    public SidecarOptions Options { get; }

    public SidecarApps Apps { get; } = new();

    public FaultSwitches Faults { get; } = new();

    public PubSubBroker PubSub { get; }

    /// <summary>
    /// From now on keeps no record of what was published and delivered (<see cref="PubSubBroker.Messages"/>,
    /// <see cref="PubSubBroker.Deliveries"/>, <see cref="InMemoryDapr.Published"/>); dead letters and warnings are
    /// still kept. For a benchmark's long runs: daprd and Kafka keep none of it in the app's process, and a minute of
    /// flash sale would leave a gigabyte of it for the GC to move. Consumer groups subscribed by now still get every
    /// message; one that subscribes later starts at the next message, as after Kafka's retention deleted the rest.
    /// </summary>
    public void StopKeepingHistory()
    {
        Dapr.StopKeepingHistory();
        PubSub.StopKeepingHistory();
    }

    /// <summary>The Dapr client an app gets in place of the real one (bound to its app id, so its scopes apply).</summary>
    public InMemoryDaprClient ClientFor(string appId) => new(Dapr, appId);

    /// <summary>
    /// Registers an app reachable through <paramref name="handler"/> (e.g. <c>factory.Server.CreateHandler()</c>) and
    /// subscribes it as daprd does at startup: <c>GET /dapr/subscribe</c>, then a consumer per subscription that reads
    /// its topics from the oldest message.
    /// </summary>
    public async Task AddAppAsync(string appId, HttpMessageHandler handler, Uri? baseAddress = null, CancellationToken cancellationToken = default)
    {
        var app = Apps.Register(appId, handler, baseAddress ?? new Uri("http://localhost/"));
        await SubscribeAsync(app, cancellationToken);
    }

    /// <summary>Registers an app listening on <paramref name="baseAddress"/> (Kestrel on loopback).</summary>
    public Task AddAppAsync(string appId, Uri baseAddress, CancellationToken cancellationToken = default) =>
        AddAppAsync(appId, new SocketsHttpHandler(), baseAddress, cancellationToken);

    /// <summary>
    /// Another replica of <paramref name="appId"/> (a second pod of its Deployment) listening on
    /// <paramref name="baseAddress"/>: it joins the app's consumer group, so the app's partitions are split between its
    /// replicas, each partition delivered to one of them (see <see cref="FaultSwitches.DeliverToTwoReplicas"/> for a
    /// rebalance's duplicate). Register the app first.
    /// </summary>
    public Task AddReplicaAsync(string appId, Uri baseAddress, CancellationToken cancellationToken = default)
    {
        var replica = Apps.RegisterReplica(appId, new SocketsHttpHandler(), baseAddress);
        // The replica's daprd reads its subscriptions like the first one's; they are the same code, so the same rules.
        return SubscribeAsync(replica, cancellationToken);
    }

    /// <summary>
    /// The app goes down: nothing reaches it and its messages wait in their partitions. A delivery in flight is not
    /// acknowledged and comes again after the restart. Its state stays in the stores, as it would in the real ones.
    /// </summary>
    public void StopApp(string appId)
    {
        // Every replica: the Deployment is down, not one pod of it.
        foreach (var replica in Apps.ReplicasOf(appId))
        {
            replica.Stop();
        }
    }

    /// <summary>
    /// The app is back, optionally as a new instance (<paramref name="handler"/> of a new host, for its first
    /// replica): daprd reads its subscriptions again and the consumers go on from their last committed message. Its
    /// other replicas come back as they were.
    /// </summary>
    public async Task RestartAppAsync(string appId, HttpMessageHandler? handler = null, Uri? baseAddress = null, CancellationToken cancellationToken = default)
    {
        var app = Apps.Get(appId);
        app.Start(handler, baseAddress);
        foreach (var replica in Apps.ReplicasOf(appId).Where(replica => replica != app))
        {
            replica.Start(newHandler: null, newBaseAddress: null);
        }

        await SubscribeAsync(app, cancellationToken);
    }

    /// <summary>The sidecar's HTTP API as <paramref name="callerAppId"/> sees it, for SDK clients that talk HTTP to it.</summary>
    public HttpMessageHandler CreateHttpHandler(string callerAppId) => new SidecarHttpApi(callerAppId, Apps, _areas.All, Options.Timing);

    /// <summary>
    /// What <c>DaprClient.CreateInvokeHttpClient(targetAppId)</c> gives <paramref name="callerAppId"/>: relative URLs
    /// reach the target app's endpoints through the sidecar.
    /// </summary>
    public HttpClient CreateInvocationClient(string targetAppId, string callerAppId) => ClientFor(callerAppId).CreateInvokableHttpClient(targetAppId);

    /// <summary>
    /// What <c>DaprClient.CreateInvocationInvoker(targetAppId)</c> gives <paramref name="callerAppId"/>: a gRPC channel to
    /// the sidecar whose calls carry the <c>dapr-app-id</c> metadata daprd proxies on.
    /// </summary>
    public CallInvoker CreateInvocationInvoker(string targetAppId, string callerAppId)
    {
        var channel = GrpcChannel.ForAddress(SidecarAddress, new GrpcChannelOptions { HttpHandler = CreateHttpHandler(callerAppId) });
        _channels.Add(channel);
        return channel.Intercept(metadata =>
        {
            metadata.Add("dapr-app-id", targetAppId);
            return metadata;
        });
    }

    /// <summary>Publishes as <paramref name="publisherAppId"/>'s code would (the real <see cref="DaprEventPublisher"/>).</summary>
    public Task PublishEventAsync<TEvent>(string publisherAppId, TEvent integrationEvent, CancellationToken cancellationToken = default)
        where TEvent : Contracts.IIntegrationEvent =>
        new DaprEventPublisher(ClientFor(publisherAppId)).PublishAsync(integrationEvent, cancellationToken);

    /// <summary>Publishes arbitrary content through <paramref name="publisherAppId"/>'s sidecar (wrapped in a CloudEvent).</summary>
    public Task PublishBytesAsync(string publisherAppId, string topic, byte[] data, string contentType,
        Dictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        ClientFor(publisherAppId).PublishByteEventAsync(Contracts.PubSub.Name, topic, data, contentType, metadata, cancellationToken);

    /// <summary>Adds an area to every app's sidecar HTTP API, e.g. <c>/v1.0/actors/</c>.</summary>
    public void MapApi(string pathPrefix, SidecarApiHandler handler) => _areas.Map(pathPrefix, handler);

    /// <summary>Another condition for quiescence, e.g. "no actor call or due reminder is pending".</summary>
    public void AddIdleCheck(string name, Func<bool> isIdle) => _idleChecks[name] = isIdle;

    /// <summary>
    /// Waits until every published message was delivered, dead-lettered or dropped, nothing is left in any partition
    /// and the idle checks agree, twice in a row (a handler may publish more). Throws <see cref="TimeoutException"/>
    /// naming what is still pending.
    /// </summary>
    public async Task WaitForQuiescenceAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var quietObservations = 0;
        try
        {
            while (quietObservations < 2)
            {
                quietObservations = IsQuiet() ? quietObservations + 1 : 0;
                await Task.Delay(TimeSpan.FromMilliseconds(5), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var busy = _idleChecks.Where(check => !check.Value()).Select(check => check.Key);
            throw new TimeoutException(
                $"Not quiescent after {timeout}. Pending deliveries: {string.Join("; ", PubSub.DescribePending().DefaultIfEmpty("none"))}. "
                + $"Busy: {string.Join(", ", busy.DefaultIfEmpty("nothing else"))}.");
        }
    }

    private bool IsQuiet() => PubSub.Pending == 0 && _idleChecks.Values.All(isIdle => isIdle());

    private async Task SubscribeAsync(AppEndpoint app, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app.BaseAddress, "/dapr/subscribe"));
        using var response = await app.Invoker.SendAsync(request, cancellationToken);

        // An app without the endpoint simply has no programmatic subscriptions.
        var subscriptions = response.IsSuccessStatusCode
            ? Subscription.ParseAll(await response.Content.ReadAsStringAsync(cancellationToken))
            : [];
        PubSub.Subscribe(app.AppId, subscriptions);
    }

    public async ValueTask DisposeAsync()
    {
        PubSub.Shutdown();
        Dapr.SidecarHandlerFactory = null;
        Dapr.Timing = PlatformTiming.None;
        foreach (var channel in _channels)
        {
            await channel.ShutdownAsync();
            channel.Dispose();
        }
    }
}

using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace FlashSale.TestSupport.Sidecar;

/// <summary>
/// The apps the stand-in can reach, each behind an <see cref="HttpMessageHandler"/> (a TestServer's handler, or a
/// socket handler for a Kestrel app on loopback). An app can be stopped and restarted: while it is stopped nothing
/// reaches it, and deliveries wait for it. An app id may have several replicas (pods of one Deployment): they share
/// the app's consumer group, so each partition is delivered to one of them; invocation and stop/restart reach the
/// first.
/// </summary>
public sealed class SidecarApps
{
    private readonly ConcurrentDictionary<string, AppEndpoint> _apps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ImmutableList<AppEndpoint>> _replicas = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> AppIds => _apps.Keys.ToArray();

    public bool IsRegistered(string appId) => _apps.ContainsKey(appId);

    public bool IsRunning(string appId) => _apps.TryGetValue(appId, out var app) && app.IsRunning;

    /// <summary>A client straight to the app's own endpoints (what daprd calls its app channel).</summary>
    public HttpMessageInvoker InvokerFor(string appId) => Get(appId).Invoker;

    /// <summary>The address requests to the app are made against.</summary>
    public Uri BaseAddressOf(string appId) => Get(appId).BaseAddress;

    /// <summary>Completes when the app is running (at once if it is).</summary>
    public Task WaitUntilRunningAsync(string appId, CancellationToken cancellationToken) =>
        Get(appId).WaitUntilRunningAsync(cancellationToken);

    internal AppEndpoint Get(string appId) =>
        _apps.TryGetValue(appId, out var app) ? app : throw new InvalidOperationException($"app '{appId}' is not registered with the sidecar stand-in");

    internal bool TryGet(string appId, out AppEndpoint app) => _apps.TryGetValue(appId, out app!);

    internal AppEndpoint Register(string appId, HttpMessageHandler handler, Uri baseAddress)
    {
        var app = new AppEndpoint(appId, handler, baseAddress);
        if (!_apps.TryAdd(appId, app))
        {
            throw new InvalidOperationException($"app '{appId}' is already registered");
        }

        _replicas[appId] = [app];
        return app;
    }

    /// <summary>Another replica of a registered app.</summary>
    internal AppEndpoint RegisterReplica(string appId, HttpMessageHandler handler, Uri baseAddress)
    {
        Get(appId);
        var replica = new AppEndpoint(appId, handler, baseAddress);
        _replicas.AddOrUpdate(appId, _ => [replica], (_, replicas) => replicas.Add(replica));
        return replica;
    }

    /// <summary>Every replica of the app, the first registered first.</summary>
    internal IReadOnlyList<AppEndpoint> ReplicasOf(string appId) =>
        _replicas.TryGetValue(appId, out var replicas) ? replicas : [Get(appId)];

    public int ReplicaCount(string appId) => _replicas.TryGetValue(appId, out var replicas) ? replicas.Count : 0;

    /// <summary>
    /// The replica a partition (<paramref name="lane"/>) is assigned to, or with <paramref name="shift"/> the one after
    /// it: a stable assignment, as a consumer group keeps while its members stay.
    /// </summary>
    internal AppEndpoint ReplicaFor(string appId, string lane, int shift = 0)
    {
        var replicas = ReplicasOf(appId);
        return replicas[(int)((StableHash(lane) + (uint)shift) % (uint)replicas.Count)];
    }

    // FNV-1a: string.GetHashCode is randomized per process, and an assignment should repeat from run to run.
    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}

/// <summary>One app as the stand-in sees it. <see cref="Generation"/> changes on every stop, so a delivery that was
/// in flight when the app went down is known to be unacknowledged.</summary>
internal sealed class AppEndpoint(string appId, HttpMessageHandler handler, Uri baseAddress)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _running = CompletedSource();

    public string AppId { get; } = appId;

    public Uri BaseAddress { get; private set; } = baseAddress;

    public HttpMessageInvoker Invoker { get; private set; } = new(handler, disposeHandler: false);

    public int Generation { get; private set; }

    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _running.Task.IsCompleted;
            }
        }
    }

    public Task WaitUntilRunningAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _running.Task.WaitAsync(cancellationToken);
        }
    }

    public void Stop()
    {
        lock (_gate)
        {
            if (_running.Task.IsCompleted)
            {
                _running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Generation++;
            }
        }
    }

    /// <summary>Runs again, optionally as a new instance (a new host's handler).</summary>
    public void Start(HttpMessageHandler? newHandler, Uri? newBaseAddress)
    {
        lock (_gate)
        {
            if (newHandler is not null)
            {
                Invoker = new HttpMessageInvoker(newHandler, disposeHandler: false);
            }

            BaseAddress = newBaseAddress ?? BaseAddress;
            _running.TrySetResult();
        }
    }

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.SetResult();
        return source;
    }
}

namespace FlashSale.OrderQuery.Infrastructure;

/// <summary>
/// Tells live streams when this replica wrote a view, so that an open stream costs nothing while its view does not
/// change instead of re-reading it on a short tick. Writes made by another replica are not seen here: streams still
/// re-read now and then (<see cref="Api.ServerSentEventStream"/>).
/// </summary>
public sealed class ViewChanges
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Watch> _watches = new(StringComparer.Ordinal);

    /// <summary>Watches the next write of <paramref name="key"/>; dispose it when no longer waiting.</summary>
    public ViewWatch WatchNextWrite(string key)
    {
        lock (_gate)
        {
            if (!_watches.TryGetValue(key, out var watch))
            {
                _watches[key] = watch = new Watch();
            }

            watch.Watchers++;
            return new ViewWatch(this, key, watch);
        }
    }

    public void Written(string key)
    {
        lock (_gate)
        {
            if (_watches.Remove(key, out var watch))
            {
                watch.Changed.TrySetResult();
            }
        }
    }

    internal void Unwatch(string key, Watch watch)
    {
        lock (_gate)
        {
            // The last watcher gone: forget the key, or every order ever streamed would stay here.
            if (--watch.Watchers == 0 && _watches.TryGetValue(key, out var current) && current == watch)
            {
                _watches.Remove(key);
            }
        }
    }

    internal sealed class Watch
    {
        public TaskCompletionSource Changed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Watchers { get; set; }
    }
}

/// <summary>One stream's wait for the next write of a view.</summary>
public sealed class ViewWatch : IDisposable
{
    private readonly ViewChanges _changes;
    private readonly string _key;
    private readonly ViewChanges.Watch _watch;
    private bool _disposed;

    internal ViewWatch(ViewChanges changes, string key, ViewChanges.Watch watch) => (_changes, _key, _watch) = (changes, key, watch);

    /// <summary>Completes when this replica writes the view.</summary>
    public Task Written => _watch.Changed.Task;

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _changes.Unwatch(_key, _watch);
        }
    }
}

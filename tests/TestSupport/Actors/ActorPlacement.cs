namespace FlashSale.TestSupport.Actors;

/// <summary>
/// Which app hosts which actor type: Dapr's placement service, reduced to one replica per app. An app registers anew
/// when it restarts; a type hosted by two different apps is a configuration error, as it would be in Dapr.
/// </summary>
internal sealed class ActorPlacement : IDisposable
{
    private readonly Dictionary<string, ActorApp> _apps = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Add(ActorApp app)
    {
        lock (_lock)
        {
            var clash = _apps.Values.FirstOrDefault(other => other.AppId != app.AppId && other.ActorTypes.Overlaps(app.ActorTypes));
            if (clash is not null)
            {
                throw new InvalidOperationException($"apps '{clash.AppId}' and '{app.AppId}' both host actor types {string.Join(", ", clash.ActorTypes.Intersect(app.ActorTypes))}");
            }

            if (_apps.Remove(app.AppId, out var previous))
            {
                previous.Dispose();
            }

            _apps[app.AppId] = app;
        }
    }

    public bool Remove(string appId)
    {
        lock (_lock)
        {
            if (!_apps.Remove(appId, out var app))
            {
                return false;
            }

            app.Dispose();
            return true;
        }
    }

    public ActorApp? HostOf(string actorType)
    {
        lock (_lock)
        {
            return _apps.Values.FirstOrDefault(app => app.ActorTypes.Contains(actorType));
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var app in _apps.Values)
            {
                app.Dispose();
            }

            _apps.Clear();
        }
    }
}

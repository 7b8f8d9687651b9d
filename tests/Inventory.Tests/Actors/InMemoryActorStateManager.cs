using Dapr.Actors.Runtime;

namespace FlashSale.Inventory.Tests.Actors;

/// <summary>
/// An <see cref="IActorStateManager"/> for unit tests with the SDK's semantics that matter here: changes are pending
/// until <see cref="SaveStateAsync"/> and dropped by <see cref="ClearCacheAsync"/> (what the SDK does when a method
/// throws). <see cref="Saved"/> is what the state store holds. It also counts, as the SDK's state tracker holds them,
/// the keys cached in memory: those read (when found) or written, until unloaded, removed by a save, or cleared.
/// </summary>
internal sealed class InMemoryActorStateManager : IActorStateManager
{
    private readonly Dictionary<string, object?> _saved = [];
    private readonly Dictionary<string, object?> _pending = [];
    private readonly HashSet<string> _removed = [];
    private readonly HashSet<string> _cached = [];

    public IReadOnlyDictionary<string, object?> Saved => _saved;

    /// <summary>The most keys cached at any save: what the SDK's save walks through.</summary>
    public int MostCachedKeys { get; private set; }

    public int Saves { get; private set; }

    public T? SavedValue<T>(string key) => _saved.TryGetValue(key, out var value) ? (T?)value : default;

    public Task<ConditionalValue<T>> TryGetStateAsync<T>(string stateName, CancellationToken cancellationToken = default)
    {
        if (_removed.Contains(stateName))
        {
            return Task.FromResult(new ConditionalValue<T>());
        }

        if (_pending.TryGetValue(stateName, out var pending) || _saved.TryGetValue(stateName, out pending))
        {
            _cached.Add(stateName);
            return Task.FromResult(new ConditionalValue<T>(true, (T)pending!));
        }

        return Task.FromResult(new ConditionalValue<T>());
    }

    public async Task<T> GetStateAsync<T>(string stateName, CancellationToken cancellationToken = default) =>
        await TryGetStateAsync<T>(stateName, cancellationToken) is { HasValue: true } found
            ? found.Value
            : throw new KeyNotFoundException(stateName);

    public async Task<bool> ContainsStateAsync(string stateName, CancellationToken cancellationToken = default) =>
        (await TryGetStateAsync<object>(stateName, cancellationToken)).HasValue;

    public Task SetStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        _removed.Remove(stateName);
        _pending[stateName] = value;
        _cached.Add(stateName);
        return Task.CompletedTask;
    }

    public Task SetStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        SetStateAsync(stateName, value, cancellationToken);

    public async Task AddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        if (!await TryAddStateAsync(stateName, value, cancellationToken))
        {
            throw new InvalidOperationException($"state {stateName} already exists");
        }
    }

    public Task AddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        AddStateAsync(stateName, value, cancellationToken);

    public async Task<bool> TryAddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        if (await ContainsStateAsync(stateName, cancellationToken))
        {
            return false;
        }

        await SetStateAsync(stateName, value, cancellationToken);
        return true;
    }

    public Task<bool> TryAddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        TryAddStateAsync(stateName, value, cancellationToken);

    public async Task<T> GetOrAddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        await TryAddStateAsync(stateName, value, cancellationToken);
        return await GetStateAsync<T>(stateName, cancellationToken);
    }

    public Task<T> GetOrAddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        GetOrAddStateAsync(stateName, value, cancellationToken);

    public async Task<T> AddOrUpdateStateAsync<T>(string stateName, T addValue, Func<string, T, T> updateValueFactory, CancellationToken cancellationToken = default)
    {
        var current = await TryGetStateAsync<T>(stateName, cancellationToken);
        var value = current.HasValue ? updateValueFactory(stateName, current.Value) : addValue;
        await SetStateAsync(stateName, value, cancellationToken);
        return value;
    }

    public Task<T> AddOrUpdateStateAsync<T>(string stateName, T addValue, Func<string, T, T> updateValueFactory, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        AddOrUpdateStateAsync(stateName, addValue, updateValueFactory, cancellationToken);

    public async Task RemoveStateAsync(string stateName, CancellationToken cancellationToken = default)
    {
        if (!await TryRemoveStateAsync(stateName, cancellationToken))
        {
            throw new KeyNotFoundException(stateName);
        }
    }

    public async Task<bool> TryRemoveStateAsync(string stateName, CancellationToken cancellationToken = default)
    {
        if (!await ContainsStateAsync(stateName, cancellationToken))
        {
            return false;
        }

        _pending.Remove(stateName);
        _removed.Add(stateName);
        _cached.Add(stateName);
        return true;
    }

    public Task UnloadStateAsync(string stateName, UnloadStateOptions? options = null, CancellationToken cancellationToken = default)
    {
        if ((_pending.ContainsKey(stateName) || _removed.Contains(stateName)) && options?.AllowUnloadingWhenStateModified != true)
        {
            throw new InvalidOperationException($"Cannot unload state '{stateName}' because it has been modified and not yet persisted");
        }

        _pending.Remove(stateName);
        _removed.Remove(stateName);
        _cached.Remove(stateName);
        return Task.CompletedTask;
    }

    public Task ClearCacheAsync(CancellationToken cancellationToken = default)
    {
        _pending.Clear();
        _removed.Clear();
        _cached.Clear();
        return Task.CompletedTask;
    }

    public Task SaveStateAsync(CancellationToken cancellationToken = default)
    {
        foreach (var (key, value) in _pending)
        {
            _saved[key] = value;
        }

        MostCachedKeys = Math.Max(MostCachedKeys, _cached.Count);
        foreach (var key in _removed)
        {
            _saved.Remove(key);
            _cached.Remove(key);
        }

        _pending.Clear();
        _removed.Clear();
        Saves++;
        return Task.CompletedTask;
    }
}

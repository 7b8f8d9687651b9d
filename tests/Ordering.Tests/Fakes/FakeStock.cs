using System.Collections.Concurrent;
using Dapr.Actors;
using Dapr.Actors.Client;
using FlashSale.Contracts.Inventory;

namespace FlashSale.Ordering.Tests.Fakes;

/// <summary>Hands out one in-memory <see cref="FakeStockActor"/> per SKU, as Dapr routes one actor id to one actor.</summary>
public sealed class FakeStock : IActorProxyFactory
{
    private readonly ConcurrentDictionary<string, FakeStockActor> _actors = new();

    public FakeStockActor this[string sku] => _actors.GetOrAdd(sku, id => new FakeStockActor(id));

    public TActorInterface CreateActorProxy<TActorInterface>(ActorId actorId, string actorType, ActorProxyOptions? options = null)
        where TActorInterface : IActor
    {
        Assert.Equal(StockActorType.Name, actorType);
        return (TActorInterface)(object)this[actorId.GetId()];
    }

    public object CreateActorProxy(ActorId actorId, Type actorInterfaceType, string actorType, ActorProxyOptions? options = null) =>
        throw new NotSupportedException();

    public ActorProxy Create(ActorId actorId, string actorType, ActorProxyOptions? options = null) => throw new NotSupportedException();
}

/// <summary>The StockActor contract in memory: reservations per order id, idempotent like the real actor.</summary>
public sealed class FakeStockActor(string sku) : IStockActor
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ReservationResult> _outcomes = [];
    private readonly Dictionary<string, int> _reserved = [];
    private readonly Dictionary<string, int> _sold = [];
    private int _available;

    /// <summary>Every call fails, as when the actor's host or placement is down.</summary>
    public bool Unreachable { get; set; }

    public int ReservedFor(string orderId) { lock (_lock) { return _reserved.GetValueOrDefault(orderId); } }

    public int SoldTo(string orderId) { lock (_lock) { return _sold.GetValueOrDefault(orderId); } }

    public int Available { get { lock (_lock) { return _available; } } }

    public Task<ReservationResult> ReserveAsync(ReserveRequest request) => Run(() =>
    {
        if (!_outcomes.TryGetValue(request.OrderId, out var outcome))
        {
            var reserved = _available >= request.Quantity;
            if (reserved)
            {
                _available -= request.Quantity;
                _reserved[request.OrderId] = request.Quantity;
            }

            outcome = _outcomes[request.OrderId] = new ReservationResult(reserved, _available);
        }

        return outcome;
    });

    public Task CommitAsync(string orderId) => Run(() =>
    {
        if (_reserved.Remove(orderId, out var quantity))
        {
            _sold[orderId] = quantity;
        }

        return true;
    });

    public Task ReleaseAsync(string orderId) => Run(() =>
    {
        if (_reserved.Remove(orderId, out var quantity))
        {
            _available += quantity;
        }

        return true;
    });

    public Task SetStockAsync(int available) => Run(() => _available = available);

    public Task<StockLevels> GetLevelsAsync() => Run(() => new StockLevels(sku, _available, _reserved.Values.Sum(), _sold.Values.Sum()));

    private Task<T> Run<T>(Func<T> operation)
    {
        if (Unreachable)
        {
            return Task.FromException<T>(new HttpRequestException($"actor {sku} is unreachable"));
        }

        lock (_lock)
        {
            return Task.FromResult(operation());
        }
    }
}

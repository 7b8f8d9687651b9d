using System.Collections.Concurrent;
using Dapr.Actors;
using Dapr.Actors.Client;
using FlashSale.Contracts.Inventory;
using FlashSale.Inventory.Domain;

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

/// <summary>
/// The StockActor contract in memory, over inventory's real <see cref="StockLedger"/> (so the rules are the actor's,
/// not a copy): batches are applied item by item, idempotent like the real actor.
/// </summary>
public sealed class FakeStockActor(string sku) : IStockActor
{
    private readonly Lock _lock = new();
    private readonly StockLedger _ledger = StockLedger.Empty();
    private readonly Dictionary<string, ReserveBatchResult> _calls = [];

    /// <summary>Every call fails, as when the actor's host or placement is down.</summary>
    public bool Unreachable { get; set; }

    /// <summary>How many calls carried more than one item: batching at work.</summary>
    public int BatchedCalls { get; private set; }

    /// <summary>How many reserve calls reached the actor.</summary>
    public int ReserveCalls { get; private set; }

    /// <summary>How many commit calls reached the actor: each is a turn of a hot SKU's actor.</summary>
    public int CommitCalls { get; private set; }

    public int ReservedFor(string orderId) => Held(orderId, ReservationStatus.Reserved);

    public int SoldTo(string orderId) => Held(orderId, ReservationStatus.Committed);

    public int Available { get { lock (_lock) { return _ledger.Counts.Available; } } }

    /// <summary>What the actor's own work does meanwhile, outside ordering: a reserve, a release, an expiry by the sweep.</summary>
    public void Reserve(string orderId, int quantity) => Apply(ledger => ledger.Reserve(new ReserveItem(orderId, quantity)));

    public void Release(string orderId) => Apply(ledger => ledger.Release(orderId));

    public void Expire(string orderId) => Apply(ledger => ledger.Expire(orderId));

    public Task<ReserveBatchResult> ReserveAsync(ReserveBatch batch) => Run(batch.Items.Count, () =>
    {
        ReserveCalls++;
        if (!_calls.TryGetValue(batch.BatchId, out var result))
        {
            result = _calls[batch.BatchId] = new ReserveBatchResult(batch.Items.Select(_ledger.Reserve).ToList(), Levels());
        }

        return result;
    });

    public Task<SettleBatchResult> CommitAsync(SettleBatch batch) =>
        Run(batch.Items.Count, () =>
        {
            CommitCalls++;
            return new SettleBatchResult(batch.Items.Select(_ledger.Commit).ToList(), Levels());
        });

    public Task<SettleBatchResult> ReleaseAsync(SettleBatch batch) =>
        Run(batch.Items.Count, () => new SettleBatchResult(batch.Items.Select(item => _ledger.Release(item.OrderId)).ToList(), Levels()));

    public Task SetStockAsync(int available) => Run(1, () => _ledger.SetStock(available));

    public Task<StockLevels> GetLevelsAsync() => Run(1, Levels);

    private StockLevels Levels() => new(sku, _ledger.Counts.Available, _ledger.Counts.Reserved, _ledger.Counts.Sold);

    private void Apply(Action<StockLedger> change)
    {
        lock (_lock)
        {
            change(_ledger);
        }
    }

    private int Held(string orderId, ReservationStatus status)
    {
        lock (_lock)
        {
            return _ledger.Find(orderId) is { } reservation && reservation.Status == status ? reservation.Quantity : 0;
        }
    }

    private Task<T> Run<T>(int items, Func<T> operation)
    {
        if (Unreachable)
        {
            return Task.FromException<T>(new HttpRequestException($"actor {sku} is unreachable"));
        }

        lock (_lock)
        {
            BatchedCalls += items > 1 ? 1 : 0;
            return Task.FromResult(operation());
        }
    }
}

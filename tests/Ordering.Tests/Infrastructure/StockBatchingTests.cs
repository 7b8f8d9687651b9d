using Dapr.Actors;
using Dapr.Actors.Client;
using FlashSale.Contracts.Inventory;
using FlashSale.Ordering.Infrastructure;

namespace FlashSale.Ordering.Tests.Infrastructure;

/// <summary>
/// How ordering's requests for one SKU are batched while a call for it is in flight: in a sale the placements' reserves
/// and the saga's commits arrive interleaved, and each batch must still carry all waiting requests of one kind, never
/// taking an order's request past an earlier one of the same order.
/// </summary>
public sealed class StockBatchingTests
{
    private const string Sku = "BATCH-1";

    [Fact]
    public async Task Interleaved_reserves_and_commits_go_in_one_call_per_kind_and_each_order_keeps_its_own_order()
    {
        var actor = new GatedStockActor();
        var calls = new StockCalls(actor, new StockSignals(TimeProvider.System));
        var first = calls.ReserveAsync(Sku, new ReserveItem("o-0", 1), CancellationToken.None);
        await actor.FirstCallArrived.Task.WaitAsync(TestContext.Current.CancellationToken);

        // While o-0's reserve is in flight: commits of o-1 and o-3 and reserves of o-2 and o-4 arrive interleaved, and
        // o-2 is released (given up) right after its reserve.
        var waiting = new List<Task>
        {
            calls.CommitAsync(Sku, new SettleItem("o-1", 1)),
            calls.ReserveAsync(Sku, new ReserveItem("o-2", 1), CancellationToken.None),
            calls.CommitAsync(Sku, new SettleItem("o-3", 1)),
            calls.ReleaseAsync(Sku, new SettleItem("o-2", 1)),
            calls.ReserveAsync(Sku, new ReserveItem("o-4", 1), CancellationToken.None),
        };
        actor.Open();
        await first;
        await Task.WhenAll(waiting);

        Assert.Equal(
            ["Reserve o-0", "Commit o-1 o-3", "Reserve o-2 o-4", "Release o-2"],
            actor.Calls);
    }

    [Fact]
    public async Task A_request_of_an_order_waits_behind_its_earlier_request_even_when_its_kind_goes_first()
    {
        var actor = new GatedStockActor();
        var calls = new StockCalls(actor, new StockSignals(TimeProvider.System));
        var first = calls.CommitAsync(Sku, new SettleItem("o-0", 1));
        await actor.FirstCallArrived.Task.WaitAsync(TestContext.Current.CancellationToken);

        var waiting = new List<Task>
        {
            calls.ReserveAsync(Sku, new ReserveItem("o-5", 1), CancellationToken.None),
            calls.ReleaseAsync(Sku, new SettleItem("o-6", 1)),
            calls.ReleaseAsync(Sku, new SettleItem("o-5", 1)),
            calls.ReserveAsync(Sku, new ReserveItem("o-7", 1), CancellationToken.None),
        };
        actor.Open();
        await first;
        await Task.WhenAll(waiting);

        // o-5's release may not overtake its reserve; o-6's release is not held up by it.
        Assert.Equal(["Commit o-0", "Reserve o-5 o-7", "Release o-6 o-5"], actor.Calls);
    }

    /// <summary>A stock actor that records each call's kind and orders and holds the first call until <see cref="Open"/>.</summary>
    private sealed class GatedStockActor : IActorProxyFactory, IStockActor
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _gate = new();
        private readonly List<string> _calls = [];

        public TaskCompletionSource FirstCallArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<string> Calls
        {
            get
            {
                lock (_gate)
                {
                    return [.. _calls];
                }
            }
        }

        public void Open() => _open.TrySetResult();

        public TActorInterface CreateActorProxy<TActorInterface>(ActorId actorId, string actorType, ActorProxyOptions? options = null)
            where TActorInterface : IActor => (TActorInterface)(object)this;

        public object CreateActorProxy(ActorId actorId, Type actorInterfaceType, string actorType, ActorProxyOptions? options = null) =>
            throw new NotSupportedException();

        public ActorProxy Create(ActorId actorId, string actorType, ActorProxyOptions? options = null) => throw new NotSupportedException();

        public async Task<ReserveBatchResult> ReserveAsync(ReserveBatch batch)
        {
            await RecordAsync("Reserve", batch.Items.Select(item => item.OrderId));
            return new ReserveBatchResult([.. batch.Items.Select(_ => ReserveOutcome.Reserved)], Levels());
        }

        public async Task<SettleBatchResult> CommitAsync(SettleBatch batch)
        {
            await RecordAsync("Commit", batch.Items.Select(item => item.OrderId));
            return new SettleBatchResult([.. batch.Items.Select(_ => true)], Levels());
        }

        public async Task<SettleBatchResult> ReleaseAsync(SettleBatch batch)
        {
            await RecordAsync("Release", batch.Items.Select(item => item.OrderId));
            return new SettleBatchResult([.. batch.Items.Select(_ => true)], Levels());
        }

        public Task SetStockAsync(int available) => throw new NotSupportedException();

        public Task<StockLevels> GetLevelsAsync() => throw new NotSupportedException();

        private static StockLevels Levels() => new(Sku, 100, 0, 0);

        private async Task RecordAsync(string kind, IEnumerable<string> orderIds)
        {
            lock (_gate)
            {
                _calls.Add($"{kind} {string.Join(' ', orderIds)}");
            }

            FirstCallArrived.TrySetResult();
            await _open.Task;
        }
    }
}

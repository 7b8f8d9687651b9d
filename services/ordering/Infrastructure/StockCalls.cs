using System.Collections.Concurrent;
using Dapr.Actors;
using Dapr.Actors.Client;
using FlashSale.Contracts.Inventory;

namespace FlashSale.Ordering.Infrastructure;

/// <summary>
/// Calls inventory's StockActor with batches: the requests for one SKU wait in one queue while a call for that SKU is
/// in flight, and go together in the next call (up to <see cref="StockActorType.MaxBatchSize"/>), so a hot SKU costs
/// one actor turn per batch instead of one per order (docs/adr/0020). A batch takes every waiting request of the
/// oldest request's kind, not only the run at the head: in a sale, placements' reserves and the saga's commits arrive
/// interleaved, and runs would shrink batches to one or two requests. Each order's own calls keep the order they were
/// made: a request is not taken past an earlier one of the same order, so a release never overtakes its reserve.
/// Each result also tells <see cref="StockSignals"/> the SKU's levels.
/// </summary>
internal sealed class StockCalls(IActorProxyFactory actors, StockSignals signals)
{
    private readonly IActorProxyFactory _actors = actors;

    private readonly ConcurrentDictionary<string, SkuQueue> _queues = new(StringComparer.Ordinal);

    /// <summary>
    /// Reserves through the SKU's queue. A cancelled request that has not been sent yet is dropped (it reserved nothing:
    /// <see cref="OperationCanceledException"/>); once sent it runs to its answer, as one actor call does.
    /// </summary>
    public Task<ReserveOutcome> ReserveAsync(string sku, ReserveItem item, CancellationToken cancellationToken) =>
        Enqueue<ReserveOutcome>(sku, CallKind.Reserve, item, cancellationToken);

    public Task<bool> CommitAsync(string sku, SettleItem item) => Enqueue<bool>(sku, CallKind.Commit, item, CancellationToken.None);

    public Task<bool> ReleaseAsync(string sku, SettleItem item) => Enqueue<bool>(sku, CallKind.Release, item, CancellationToken.None);

    private async Task<T> Enqueue<T>(string sku, CallKind kind, object item, CancellationToken cancellationToken)
    {
        var request = new QueuedCall(kind, item, cancellationToken);
        _queues.GetOrAdd(sku, key => new SkuQueue(this, key)).Add(request);
        return (T)await request.Answer.Task;
    }

    private async Task SendAsync(IStockActor actor, CallKind kind, IReadOnlyList<QueuedCall> calls)
    {
        try
        {
            switch (kind)
            {
                case CallKind.Reserve:
                    var reserved = await actor.ReserveAsync(new ReserveBatch(Guid.NewGuid().ToString("N"), calls.Select(call => (ReserveItem)call.Item).ToList()));
                    signals.Observe(reserved.Levels);
                    Answer(calls, reserved.Outcomes.Cast<object>().ToList());
                    break;
                default:
                    var items = new SettleBatch(calls.Select(call => (SettleItem)call.Item).ToList());
                    var settled = kind == CallKind.Commit ? await actor.CommitAsync(items) : await actor.ReleaseAsync(items);
                    signals.Observe(settled.Levels);
                    Answer(calls, settled.Settled.Cast<object>().ToList());
                    break;
            }
        }
        catch (Exception ex)
        {
            foreach (var call in calls)
            {
                call.Answer.TrySetException(ex);
            }
        }
    }

    private static void Answer(IReadOnlyList<QueuedCall> calls, IReadOnlyList<object> answers)
    {
        if (answers.Count != calls.Count)
        {
            throw new InvalidOperationException($"the stock actor answered {answers.Count} of {calls.Count} items");
        }

        for (var i = 0; i < calls.Count; i++)
        {
            calls[i].Answer.TrySetResult(answers[i]);
        }
    }

    private enum CallKind
    {
        Reserve,
        Commit,
        Release,
    }

    private sealed record QueuedCall(CallKind Kind, object Item, CancellationToken Cancellation)
    {
        public TaskCompletionSource<object> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string OrderId { get; } = Item switch
        {
            ReserveItem reserve => reserve.OrderId,
            SettleItem settle => settle.OrderId,
            _ => throw new ArgumentException($"not a stock request: {Item.GetType().Name}", nameof(Item)),
        };
    }

    /// <summary>One SKU's requests, in arrival order; at most one call in flight.</summary>
    private sealed class SkuQueue(StockCalls owner, string sku)
    {
        // One proxy per SKU: each new proxy builds its own remoting serializers (fresh JSON options, so the type
        // metadata again by reflection, and a DataContract header serializer), which cost more than the call's own work.
        private readonly IStockActor _actor = owner._actors.CreateActorProxy<IStockActor>(new ActorId(sku), StockActorType.Name);
        private readonly Queue<QueuedCall> _waiting = new();
        private readonly Lock _gate = new();
        private bool _sending;

        public void Add(QueuedCall call)
        {
            lock (_gate)
            {
                _waiting.Enqueue(call);
                if (_sending)
                {
                    return;
                }

                _sending = true;
            }

            _ = Task.Run(DrainAsync);
        }

        private async Task DrainAsync()
        {
            while (TakeBatch() is { Count: > 0 } batch)
            {
                await owner.SendAsync(_actor, batch[0].Kind, batch);
            }
        }

        /// <summary>
        /// The waiting requests of the oldest one's kind, oldest first, except those of an order with an earlier request
        /// still waiting; the others keep their places. Cancelled ones are answered and dropped.
        /// </summary>
        private List<QueuedCall> TakeBatch()
        {
            lock (_gate)
            {
                var batch = new List<QueuedCall>();
                var left = new List<QueuedCall>();
                var ordersLeft = new HashSet<string>(StringComparer.Ordinal);
                while (_waiting.TryDequeue(out var next))
                {
                    if (next.Cancellation.IsCancellationRequested)
                    {
                        next.Answer.TrySetCanceled(next.Cancellation);
                    }
                    else if (batch.Count < StockActorType.MaxBatchSize && (batch.Count == 0 || next.Kind == batch[0].Kind) && !ordersLeft.Contains(next.OrderId))
                    {
                        batch.Add(next);
                    }
                    else
                    {
                        left.Add(next);
                        ordersLeft.Add(next.OrderId);
                    }
                }

                foreach (var call in left)
                {
                    _waiting.Enqueue(call);
                }

                if (batch.Count == 0 && _waiting.Count == 0)
                {
                    _sending = false;
                }

                return batch;
            }
        }
    }
}

using System.Collections.Concurrent;
using FlashSale.Contracts.Inventory;
using FlashSale.Inventory.Application;
using FlashSale.Messaging;
using Microsoft.Extensions.Options;

namespace FlashSale.Inventory.Infrastructure.Actors;

/// <summary>
/// Publishes each SKU's newest stock figures outside the actor's turn, at most once per
/// <see cref="InventoryOptions.StockChangeInterval"/>: a hot SKU changes hundreds of times a second, and only its
/// newest figures matter to subscribers (they keep the highest <c>Sequence</c>). A publish that fails is retried with
/// the next change or by the actor's sweep; a lost one is repaired by the next.
/// </summary>
public sealed partial class StockChangeFeed(IEventPublisher events, IOptions<InventoryOptions> options, ILogger<StockChangeFeed> logger)
{
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    private TimeSpan Interval => options.Value.StockChangeInterval;

    private Task PublishAsync(StockChanged change) => events.PublishAsync(change, CancellationToken.None);

    /// <summary>Takes the SKU's newest figures; publishes them now, or after the interval if one was published just before.</summary>
    public void Offer(StockChanged change) => _lanes.GetOrAdd(change.Sku, _ => new Lane(this)).Offer(change);

    /// <summary>
    /// Nothing offered is waiting to go out (nor the interval after a publish): what a drain, or a test waiting for
    /// the system to settle, must see before the subscribers' figures are final.
    /// </summary>
    public bool IsIdle => _lanes.Values.All(lane => !lane.IsRunning);

    /// <summary>The highest sequence published for the SKU, so the sweep can tell whether the newest figures went out.</summary>
    public long PublishedSequence(string sku) => _lanes.TryGetValue(sku, out var lane) ? lane.Published : 0;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing the stock of {Sku} failed; the next change or the sweep repeats it")]
    private partial void LogPublishFailed(Exception exception, string sku);

    private sealed class Lane(StockChangeFeed feed)
    {
        private readonly Lock _gate = new();
        private StockChanged? _newest;
        private bool _running;
        private long _published;

        public long Published => Volatile.Read(ref _published);

        public bool IsRunning
        {
            get
            {
                lock (_gate)
                {
                    return _running;
                }
            }
        }

        public void Offer(StockChanged change)
        {
            lock (_gate)
            {
                if (_newest is null || change.Sequence > _newest.Sequence)
                {
                    _newest = change;
                }

                if (_running)
                {
                    return;
                }

                _running = true;
            }

            _ = Task.Run(RunAsync);
        }

        private async Task RunAsync()
        {
            var interval = feed.Interval;
            while (true)
            {
                StockChanged change;
                lock (_gate)
                {
                    if (_newest is null || _newest.Sequence <= _published)
                    {
                        _running = false;
                        return;
                    }

                    change = _newest;
                }

                try
                {
                    await feed.PublishAsync(change);
                    Interlocked.Exchange(ref _published, change.Sequence);
                }
                catch (Exception ex)
                {
                    feed.LogPublishFailed(ex, change.Sku);
                    lock (_gate)
                    {
                        _running = false;
                    }

                    return;
                }

                await Task.Delay(interval);
            }
        }
    }
}

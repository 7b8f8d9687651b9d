using FlashSale.LoadGen.Infrastructure;
using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Application;

/// <summary>
/// During the timed phase: publishes <see cref="LiveStats"/> every interval (rates over the last interval), and
/// samples the SKU's stock in a loop of its own, since that read queues behind the buyers' reservations in the SKU's
/// actor and must not hold the display up. The lowest stock figures feed the "no negative stock" invariant.
/// </summary>
internal sealed class LiveSampler(
    GatewayClient gateway, SignedInUser admin, PreparedSale sale, long? scheduledArrivals, RunStatistics statistics,
    IProgress<LiveStats>? progress, TimeSpan interval, TimeProvider clock)
{
    private long _arrivalsBefore;
    private long _answeredBefore;
    private long _publishedAt;

    public const string Selling = "selling";

    public string Phase { get; set; } = Selling;

    public async Task RunAsync(CancellationToken stop)
    {
        _publishedAt = clock.GetTimestamp();
        var sampling = SampleStockAsync(stop);
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                Publish();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        await sampling;
        Publish();
    }

    private async Task SampleStockAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var answer = await gateway.GetStockAsync(await admin.TokenAsync(stop), sale.Sku, stop);
                if (answer.Value is { } levels)
                {
                    statistics.Stock.Observe(levels);
                }

                await Task.Delay(interval, clock, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (SetupFailedException)
        {
            // The admin could not sign in again: the display keeps the last stock seen, and the audit reads it anew.
        }
    }

    private void Publish()
    {
        var now = clock.GetTimestamp();
        var seconds = clock.GetElapsedTime(_publishedAt, now).TotalSeconds;
        var (arrivals, answered, inFlight) = (statistics.Arrivals, statistics.Answered, statistics.InFlight);
        var stock = statistics.Stock.Latest;
        progress?.Report(new LiveStats
        {
            Phase = Phase == Selling && arrivals >= scheduledArrivals && inFlight > 0 ? "waiting for the last buyers" : Phase,
            Timed = true,
            Sku = sale.Sku,
            Elapsed = statistics.Elapsed,
            Arrivals = arrivals,
            ScheduledArrivals = scheduledArrivals,
            OfferedPerSecond = seconds > 0 ? Math.Round((arrivals - _arrivalsBefore) / seconds, 1) : 0,
            AchievedPerSecond = seconds > 0 ? Math.Round((answered - _answeredBefore) / seconds, 1) : 0,
            BuyersInFlight = inFlight,
            AnswersByStatus = statistics.ByStatus.Snapshot(),
            Placement = statistics.Placement.Summary(),
            OrdersPlaced = statistics.Orders.Count,
            OrdersSettled = statistics.Settled,
            UnitsSold = stock is null ? null : stock.Sold - sale.StockBefore.Sold,
            StockAvailable = stock?.Available,
            StockReserved = stock?.Reserved,
            Chaos = statistics.Chaos.ToList(),
        });
        (_arrivalsBefore, _answeredBefore, _publishedAt) = (arrivals, answered, now);
    }
}

using FlashSale.LoadGen.Api;
using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Application;

/// <summary>
/// Every interval during the timed phase: samples the SKU's stock (an admin read; the lowest figures feed the
/// "no negative stock" invariant) and publishes <see cref="LiveStats"/>, with rates over the last interval.
/// </summary>
internal sealed class LiveSampler(
    GatewayClient gateway, SignedInUser admin, PreparedSale sale, ArrivalSchedule schedule, RunStatistics statistics,
    IProgress<LiveStats>? progress, TimeSpan interval, TimeProvider clock)
{
    private long _arrivalsBefore;
    private long _answeredBefore;
    private long _sampledAt;

    public string Phase { get; set; } = "selling";

    public async Task RunAsync(CancellationToken stop)
    {
        _sampledAt = clock.GetTimestamp();
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                await SampleAsync(stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        await SampleAsync(CancellationToken.None);
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        try
        {
            var answer = await gateway.GetStockAsync(await admin.TokenAsync(cancellationToken), sale.Sku, cancellationToken);
            if (answer.Value is { } levels)
            {
                statistics.Stock.Observe(levels);
            }
        }
        catch (SetupFailedException)
        {
            // The admin could not sign in again just now: this sample shows the last stock seen, the next one retries.
        }

        var now = clock.GetTimestamp();
        var seconds = clock.GetElapsedTime(_sampledAt, now).TotalSeconds;
        var (arrivals, answered) = (statistics.Arrivals, statistics.Answered);
        var stock = statistics.Stock.Latest;
        var inFlight = statistics.InFlight;
        progress?.Report(new LiveStats
        {
            Phase = arrivals < schedule.Count || Phase != "selling" ? Phase : inFlight > 0 ? "waiting for the last buyers" : Phase,
            Sku = sale.Sku,
            Elapsed = statistics.Elapsed,
            Arrivals = arrivals,
            ScheduledArrivals = schedule.Count,
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
        (_arrivalsBefore, _answeredBefore, _sampledAt) = (arrivals, answered, now);
    }
}

using FlashSale.LoadGen.Infrastructure;
using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Application;

/// <summary>
/// A whole flash-sale run against a gateway: sign in as admin, prepare the customers and the sale (untimed, reported
/// apart), send buyers (open loop, or closed loop) while sampling stock and, when given, running the chaos, wait for
/// the buyers to finish, audit the invariants, and return the report.
/// </summary>
public static class FlashSaleRun
{
    public const string SigningCustomersIn = "signing customers in";

    /// <summary>
    /// Runs <paramref name="options"/> through <paramref name="gateway"/> (e.g. <see cref="GatewayClient.Over"/> one
    /// handler with enough connections for all buyers). Cancelling stops the run early and still returns the report so
    /// far, marked interrupted. Throws <see cref="SetupFailedException"/> (one-line message) when the run cannot start.
    /// </summary>
    public static async Task<LoadReport> RunAsync(
        LoadOptions options, GatewayClient gateway, IProgress<LiveStats>? progress = null, IChaos? chaos = null,
        TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        clock ??= TimeProvider.System;
        var schedule = new ArrivalSchedule(options.Rate);
        var startedAt = clock.GetUtcNow();

        progress?.Report(new LiveStats { Phase = $"signing in as {options.Admin.UserName}" });
        var setup = clock.GetTimestamp();
        var admin = await SignedInUser.SignInAsync(gateway, options.Admin, clock, cancellationToken, failFastWhenUnreachable: true);
        var adminTime = clock.GetElapsedTime(setup);

        // Customers first: they are what most often cannot be prepared, and then nothing was created for nothing.
        var customersSetup = clock.GetTimestamp();
        var customers = await CustomerPool.PrepareAsync(gateway, options.Customers, admin, options.SetupParallelism, clock,
            done => progress?.Report(new LiveStats { Phase = SigningCustomersIn, CustomersReady = done, Customers = options.Customers.Count }),
            cancellationToken);
        var customersTime = clock.GetElapsedTime(customersSetup);

        progress?.Report(new LiveStats { Phase = options.Sku is null ? "creating the product, its sale and stock" : $"reading {options.Sku}" });
        var saleSetup = clock.GetTimestamp();
        var sale = await SaleSetup.PrepareAsync(gateway, admin, options, clock, cancellationToken);
        var saleTime = adminTime + clock.GetElapsedTime(saleSetup);

        var statistics = new RunStatistics(clock);
        var buyer = new BuyerJourney(gateway, new PreparedOrder(sale.Sku, options.Quantity), options, statistics, clock);
        using var sampling = new CancellationTokenSource();
        using var chaosStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampler = new LiveSampler(gateway, admin, sale, options.ClosedLoopBuyers is null ? schedule.Count : null, statistics, progress, options.ProgressInterval, clock);
        statistics.Start();
        using var onStop = cancellationToken.Register(statistics.ArrivalsStopped);
        var samplerTask = sampler.RunAsync(sampling.Token);
        var chaosTask = chaos is null ? Task.CompletedTask : RunChaosAsync(chaos, statistics, chaosStop.Token);

        if (options.ClosedLoopBuyers is { } buyers)
        {
            await RunClosedLoopAsync(buyers, options.Rate.Duration, buyer, customers, clock, cancellationToken);
        }
        else
        {
            await OpenLoop.RunAsync(schedule, (arrival, token) =>
            {
                if (arrival.Index == schedule.Count - 1)
                {
                    // The last buyer has arrived: the chaos stops, the buyers in flight finish undisturbed.
                    chaosStop.Cancel();
                }

                return buyer.RunAsync(arrival, customers.ForArrival(arrival.Index), token);
            }, clock, cancellationToken);
        }

        await chaosStop.CancelAsync();
        await chaosTask;

        var interrupted = cancellationToken.IsCancellationRequested;
        sampler.Phase = "auditing";
        // The audit reads the system's own figures even after an interruption; it does not wait for them then.
        var audit = await SaleAudit.RunAsync(gateway, admin, sale, statistics, options, interrupted, clock, CancellationToken.None);
        await sampling.CancelAsync();
        await samplerTask;

        return BuildReport(options, sale, statistics, audit, interrupted, startedAt,
            new SetupFigures(Math.Round(saleTime.TotalSeconds, 3), Math.Round(customersTime.TotalSeconds, 3), customers.SignedUp, customers.Reused));
    }

    /// <summary>Buyers that place their next order as soon as the last one was answered; their orders are followed meanwhile.</summary>
    private static async Task RunClosedLoopAsync(
        int buyers, TimeSpan duration, BuyerJourney buyer, CustomerPool customers, TimeProvider clock, CancellationToken cancellationToken)
    {
        var following = new InFlightTasks();
        var start = clock.GetTimestamp();
        long arrivals = -1;
        await ClosedLoop.RunAsync(buyers, duration, token =>
        {
            var index = Interlocked.Increment(ref arrivals);
            var now = clock.GetTimestamp();
            return buyer.RunAsync(new Arrival(index, clock.GetElapsedTime(start, now), now), customers.ForArrival(index), token, following.Track);
        }, clock, cancellationToken);
        await following.DrainAsync();
    }

    private static async Task RunChaosAsync(IChaos chaos, RunStatistics statistics, CancellationToken stop)
    {
        try
        {
            await chaos.RunAsync(what => statistics.Record(new ChaosEvent(Math.Round(statistics.Elapsed.TotalSeconds, 1), what)), stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static LoadReport BuildReport(
        LoadOptions options, PreparedSale sale, RunStatistics statistics, AuditResult audit, bool interrupted, DateTimeOffset startedAt,
        SetupFigures setup)
    {
        var orders = statistics.Orders.ToList();
        var scheduled = statistics.StoppedAfter is { } stopped && stopped < options.Rate.Duration ? stopped.TotalSeconds : options.Rate.Duration.TotalSeconds;
        var answering = statistics.AnsweringTime.TotalSeconds;
        var (settleFirst, settleLast) = statistics.SettleWindows(LoadReport.SettleWindow);
        return new LoadReport
        {
            Gateway = options.Gateway.ToString(),
            Sku = sale.Sku,
            StartedAt = startedAt,
            Interrupted = interrupted,
            Setup = setup,
            Throughput = new ThroughputFigures(
                statistics.Arrivals, Math.Round(scheduled, 3), PerSecond(statistics.Arrivals, scheduled),
                statistics.Answered, Math.Round(answering, 3), PerSecond(statistics.Answered, answering),
                orders.Count, PerSecond(orders.Count, answering)),
            Browse = statistics.Browse.Summary(),
            Placement = statistics.Placement.Summary(),
            Settle = statistics.Settle.Summary(),
            SettleOfFirstWindow = settleFirst,
            SettleOfLastWindow = settleLast,
            AnswersByStatus = statistics.ByStatus.Snapshot(),
            AnswersByProblem = statistics.ByProblem.Snapshot(),
            TimeToSoldOutSeconds = statistics.TimeToSoldOut is { } soldOut ? Math.Round(soldOut.TotalSeconds, 3) : null,
            Orders = new OrderFigures(
                orders.Count,
                orders.Count(order => order.FinalStatus == OrderView.Confirmed),
                orders.Count(order => order.FinalStatus == OrderView.Cancelled),
                orders.Count(order => order.FinalStatus is null),
                orders.Where(order => order.FinalStatus == OrderView.Confirmed).Sum(order => order.Quantity),
                (int)statistics.GaveUp,
                (int)statistics.Refused),
            Stock = new StockFigures(sale.UnitsOnSale, sale.StockBefore, audit.StockAfter, audit.DashboardUnitsSold),
            Invariants = audit.Invariants,
            Chaos = statistics.Chaos.ToList(),
        };
    }

    private static double PerSecond(long count, double seconds) => seconds > 0 ? Math.Round(count / seconds, 1) : 0;
}

using FlashSale.LoadGen.Infrastructure;
using FlashSale.LoadGen.Application;
using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Tests;

/// <summary>The whole run against a stand-in gateway: both modes, and the verdicts when the system breaks a promise.</summary>
public sealed class FlashSaleRunTests
{
    private static readonly LoadOptions Sale = new()
    {
        Gateway = new Uri("http://gateway.test"),
        Units = 20,
        Rate = RateProfile.Constant(100, TimeSpan.FromMilliseconds(500)),
        Customers = new CustomerSource.Existing([new Credentials("alice", "a"), new Credentials("bob", "b")]),
        PollInterval = TimeSpan.FromMilliseconds(10),
        AuditTimeout = TimeSpan.FromSeconds(1),
        ProgressInterval = TimeSpan.FromMilliseconds(50),
    };

    [Theory]
    [InlineData(OrderFollowing.Stream)]
    [InlineData(OrderFollowing.Poll)]
    public async Task An_open_loop_sale_sells_every_unit_once_and_every_invariant_holds(OrderFollowing follow)
    {
        using var gateway = new StandInGateway();

        var report = await FlashSaleRun.RunAsync(Sale with { Follow = follow }, Through(gateway), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(50, report.Throughput.Arrivals);
        Assert.Equal(new OrderFigures(20, 20, 0, 0, 20, 0, 30), report.Orders);
        Assert.Equal(30, report.AnswersByProblem["409 Sold out"]);
        Assert.All(report.Invariants, invariant => Assert.Equal(InvariantStatus.Held, invariant.Status));
    }

    [Fact]
    public async Task A_buyer_whose_order_does_not_settle_backs_off_instead_of_polling_ever_faster_than_it_settles()
    {
        using var gateway = new StandInGateway { Settles = false };
        var stalled = Sale with { Units = 2, Rate = RateProfile.Constant(4, TimeSpan.FromMilliseconds(500)), SettleTimeout = TimeSpan.FromSeconds(1) };

        var report = await FlashSaleRun.RunAsync(stalled, Through(gateway), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, report.Orders.Unsettled);
        // Every 10 ms for 1 s would be 100 reads per order; waits of 10, 20, 40, ... ms fit 7 into the second.
        Assert.InRange(gateway.OrderReads, 2, 2 * 8);
    }

    [Fact]
    public async Task Buyers_beyond_the_open_stream_limit_wait_for_a_stream_to_close_and_still_see_their_orders_settle()
    {
        using var limited = new StandInGateway();
        using var unlimited = new StandInGateway();

        var report = await FlashSaleRun.RunAsync(Sale with { MaxOpenStreams = 2 }, Through(limited), cancellationToken: TestContext.Current.CancellationToken);
        await FlashSaleRun.RunAsync(Sale, Through(unlimited), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal((20, 0), (report.Orders.Confirmed, report.Orders.Unsettled));
        Assert.InRange(limited.MostOpenStreams, 1, 2);
        // The same sale without the limit has more streams open at once: the limit is what held them back.
        Assert.True(unlimited.MostOpenStreams > 2, $"{unlimited.MostOpenStreams} streams open at most without a limit");
    }

    [Fact]
    public async Task The_closed_loop_mode_buys_back_to_back_until_the_time_is_up()
    {
        using var gateway = new StandInGateway();

        var report = await FlashSaleRun.RunAsync(Sale with { ClosedLoopBuyers = 4, Units = 10_000_000 }, Through(gateway), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(gateway.Placements, report.Orders.Placed);
        Assert.Equal(report.Throughput.Arrivals, report.Orders.Placed);
        Assert.True(report.Orders.Placed > 4, $"{report.Orders.Placed} orders from 4 buyers");
        Assert.Equal(report.Orders.Placed, report.Orders.Confirmed);
        Assert.False(report.AnyInvariantBroken);
    }

    [Fact]
    public async Task Inventory_selling_more_than_was_confirmed_and_double_charges_break_the_run()
    {
        using var gateway = new StandInGateway { ExtraUnitsSold = 1, ChargesPerOrder = 2 };

        var report = await FlashSaleRun.RunAsync(Sale, Through(gateway), cancellationToken: TestContext.Current.CancellationToken);

        var verdicts = report.Invariants.ToDictionary(invariant => invariant.Name, invariant => (invariant.Status, invariant.Violations));
        Assert.Equal((InvariantStatus.Broken, 20L), verdicts[InvariantRules.UnitsAgree]);
        Assert.Equal((InvariantStatus.Broken, 20L), verdicts[InvariantRules.NotOversold]);
        Assert.Equal((InvariantStatus.Broken, 20L), verdicts[InvariantRules.ChargedOnce]);
        Assert.True(report.AnyInvariantBroken);
        Assert.Equal((20, 20), (report.Oversold, report.DoubleCharged));
    }

    [Fact]
    public async Task A_payment_that_does_not_report_the_providers_ledger_leaves_repeated_provider_calls_unverified()
    {
        using var gateway = new StandInGateway { ChargesPerOrder = 2, ReportsLedger = false };

        var report = await FlashSaleRun.RunAsync(Sale, Through(gateway), cancellationToken: TestContext.Current.CancellationToken);

        var charging = report.Invariants.Single(invariant => invariant.Name == InvariantRules.ChargedOnce);
        Assert.Equal((InvariantStatus.Unverified, 0L), (charging.Status, charging.Violations));
        Assert.False(report.AnyInvariantBroken);
    }

    [Fact]
    public async Task A_gateway_without_the_payments_route_leaves_the_charge_check_unverified()
    {
        using var gateway = new StandInGateway { RoutesPayments = false };

        var report = await FlashSaleRun.RunAsync(Sale, Through(gateway), cancellationToken: TestContext.Current.CancellationToken);

        var charging = report.Invariants.Single(invariant => invariant.Name == InvariantRules.ChargedOnce);
        Assert.Equal(InvariantStatus.Unverified, charging.Status);
        Assert.Equal("payment's admin API (GET /api/payments/{orderId}) is not routed by this gateway", charging.Detail);
        Assert.False(report.AnyInvariantBroken);
    }

    [Fact]
    public async Task Stopping_the_run_returns_the_report_so_far_marked_interrupted()
    {
        using var gateway = new StandInGateway();
        using var stop = new CancellationTokenSource();
        var progress = new StopWhenSelling(stop);

        var report = await FlashSaleRun.RunAsync(Sale with { Rate = RateProfile.Constant(20, TimeSpan.FromMinutes(5)) }, Through(gateway), progress, cancellationToken: stop.Token);

        Assert.True(report.Interrupted);
        Assert.InRange(report.Throughput.Arrivals, 1, 20 * 60);
        Assert.True(report.Throughput.ScheduledSeconds < 300, $"{report.Throughput.ScheduledSeconds} s");
        Assert.False(report.AnyInvariantBroken);
    }

    [Fact]
    public async Task The_chaos_runs_while_buyers_arrive_and_its_doings_are_in_the_report()
    {
        using var gateway = new StandInGateway();
        var chaos = new OneKill();

        var report = await FlashSaleRun.RunAsync(Sale, Through(gateway), chaos: chaos, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("deleted flashsale/ordering-7d9f", Assert.Single(report.Chaos).What);
        Assert.True(chaos.Stopped);
    }

    /// <summary>Deletes one pod at once, then waits to be stopped.</summary>
    private sealed class OneKill : IChaos
    {
        public bool Stopped { get; private set; }

        public async Task RunAsync(Action<string> record, CancellationToken stop)
        {
            record("deleted flashsale/ordering-7d9f");
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, stop);
            }
            finally
            {
                Stopped = true;
            }
        }
    }

    /// <summary>Presses Ctrl-C once the first buyers have arrived.</summary>
    private sealed class StopWhenSelling(CancellationTokenSource stop) : IProgress<LiveStats>
    {
        public void Report(LiveStats value)
        {
            if (value is { Timed: true, Arrivals: > 0 })
            {
                stop.Cancel();
            }
        }
    }

    private static GatewayClient Through(StandInGateway gateway) => GatewayClient.Over(gateway, Sale.Gateway, Sale.RequestTimeout);
}

using System.Collections.Concurrent;
using FlashSale.EndToEnd.Tests.Fixture;
using FlashSale.LoadGen.Application;
using FlashSale.LoadGen.Domain;
using FlashSale.LoadGen.Infrastructure;

namespace FlashSale.EndToEnd.Tests.Scenarios;

/// <summary>
/// loadgen's engine, as users run it against their cluster, against the whole system through its gateway: it
/// prepares a sale as admin, sends buyers at an open-loop rate (three times more buyers than units), follows every
/// order to its end and judges the invariants through the admin APIs. The system's own records confirm its verdicts.
/// </summary>
[Collection(SystemWideScenarios.Name)]
public sealed class LoadGenTests(SystemFixture system, ITestOutputHelper output)
{
    private const int Units = 40;
    private const int BuyersPerSecond = 40;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Loadgen_sells_out_a_flash_sale_through_the_gateway_and_every_invariant_it_can_check_holds()
    {
        await system.SettleAsync();
        // Customers loadgen signs up itself, as it does on a cluster: 12 of them share the 120 buyers.
        var customers = new GeneratedCustomers($"lg-{Guid.NewGuid():N}"[..11], "e2e-secret", Count: 12);
        var options = new LoadOptions
        {
            Gateway = system.Client.Http.BaseAddress!,
            Units = Units,
            Rate = RateProfile.Constant(BuyersPerSecond, Duration),
            Admin = new Credentials(Customers.Admin, Customers.PasswordOf(Customers.Admin)),
            Customers = new CustomerSource.SignedUp(customers),
            PollInterval = TimeSpan.FromMilliseconds(100),
            SettleTimeout = TimeSpan.FromSeconds(45),
        };
        var live = new ConcurrentQueue<LiveStats>();
        using var handler = GatewayHttp.CreateHandler();
        using var streamHandler = GatewayHttp.CreateStreamHandler();

        var report = await FlashSaleRun.RunAsync(options, FlashSale.LoadGen.Infrastructure.GatewayClient.Over(handler, options.Gateway, options.RequestTimeout, streamHandler), new Recorded(live), cancellationToken: TestContext.Current.CancellationToken);

        output.WriteLine(ReportFile.ToJson(report));
        // 120 buyers for 40 units: 40 orders, all confirmed, and 80 buyers told it is sold out; nothing left in stock.
        Assert.False(report.Interrupted);
        Assert.Equal((12, 0), (report.Setup.CustomersSignedUp, report.Setup.CustomersReused));
        Assert.Equal((120L, 120L), (report.Throughput.Arrivals, report.Throughput.Answered));
        Assert.Equal(new OrderFigures(Placed: Units, Confirmed: Units, Cancelled: 0, Unsettled: 0, ConfirmedUnits: Units, BuyersGaveUp: 0, BuyersRefused: 120 - Units), report.Orders);
        Assert.Equal(120 - Units, report.AnswersByProblem["409 Sold out"]);
        Assert.Equal(Units, report.AnswersByStatus["201"]);
        Assert.Equal(new LoadGen.Domain.StockLevels(0, 0, Units), report.Stock.After);
        Assert.Equal(Units, report.Stock.DashboardUnitsSold);
        Assert.NotNull(report.TimeToSoldOutSeconds);
        Assert.Equal((120L, 120L, (long)Units), (report.Browse.Count, report.Placement.Count, report.Settle.Count));
        Assert.True(report.Placement.P50Ms > 0 && report.Placement.P99Ms >= report.Placement.P50Ms && report.Settle.MaxMs >= report.Settle.P50Ms);

        // Every invariant held, "charged once" too: loadgen read each order's ledger through payment's admin route.
        Assert.False(report.AnyInvariantBroken);
        Assert.All(report.Invariants, invariant => Assert.True(invariant.Status == InvariantStatus.Held, $"{invariant.Name}: {invariant.Detail}"));

        // What the system recorded agrees: 40 confirmed orders of this SKU, each charged exactly once.
        var stored = customers.All().SelectMany(customer => system.StoredOrdersOf(customer.UserName))
            .Where(order => order.GetProperty("lines")[0].GetProperty("sku").GetString() == report.Sku).ToList();
        Assert.Equal(Units, stored.Count);
        var ledgers = await system.PaymentLedgersAsync(stored.Select(order => order.GetProperty("id").GetString()!));
        Assert.All(ledgers.Values, ledger => Assert.Single(ledger.Charges));
        Assert.Empty(system.DeadLettersAbout(report.Sku));

        // It showed its progress while selling.
        Assert.Contains(live, stats => stats.Phase == "selling" && stats.Arrivals > 0 && stats.Sku == report.Sku);
    }

    private sealed class Recorded(ConcurrentQueue<LiveStats> seen) : IProgress<LiveStats>
    {
        public void Report(LiveStats value) => seen.Enqueue(value);
    }
}

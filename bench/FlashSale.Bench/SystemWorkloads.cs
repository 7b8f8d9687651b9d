using System.Globalization;
using System.Text.Json;
using FlashSale.Contracts.Inventory;
using FlashSale.InProcessSystem;
using FlashSale.LoadGen.Application;
using FlashSale.LoadGen.Domain;
using FlashSale.LoadGen.Infrastructure;
using FlashSale.TestSupport.Sidecar;
using Spectre.Console;

namespace FlashSale.Bench;

/// <summary>What the system's own records say about a SKU's orders once they had time to settle.</summary>
public sealed record SaleAudit(long Oversold, long Unsettled, long DoubleCharged, int Orders, int ConfirmedUnits);

/// <summary>
/// Workloads (b)–(d) against one in-process system (<see cref="FlashSaleSystem"/>) on one timing: catalog browsing,
/// placements on one hot SKU (and, without the timing model, a long run of them), reservations on one SKU through
/// ordering's own stock calls, refusals of the sold-out SKU, and loadgen's open-loop flash sale with its invariants.
/// Everything goes through the gateway except the reservations, which is the point of that workload.
/// </summary>
public sealed class SystemWorkloads(BenchmarkPlan plan, ProgressView view, PlatformTiming timing, double kestrelPerSecond)
{
    private static readonly TimeProvider Clock = TimeProvider.System;
    private static readonly Credentials Admin = new(Customers.Admin, Customers.PasswordOf(Customers.Admin));

    public string TimingName => NameOf(timing);

    /// <summary>The timing's name in the report and on the command line (<c>--timing</c>).</summary>
    public static string NameOf(PlatformTiming timing) => timing.IsModelled ? "modelled" : "none";

    /// <summary>loadgen's own final report of the flash sale, as its console shows it (for the README's sample).</summary>
    public string? FlashSaleConsoleReport { get; private set; }

    /// <param name="warmUpTheProcess">True for the process's first system: its code runs cold (see <see cref="BenchmarkPlan.ProcessWarmUp"/>).</param>
    public async Task<IReadOnlyList<WorkloadResult>> RunAsync(bool warmUpTheProcess, CancellationToken cancellationToken)
    {
        var results = new List<WorkloadResult>();
        await using var system = new FlashSaleSystem { Timing = timing };
        await view.StepAsync($"start the system (timing {TimingName})", TimeSpan.FromSeconds(5),
            async _ => { await system.StartAsync(cancellationToken); return true; }, _ => "started");
        // Every app has subscribed: what the stand-in would record for tests is only garbage for a long run to carry.
        system.Sidecar.StopKeepingHistory();

        using var handler = GatewayHttp.CreateHandler();
        using var streamHandler = GatewayHttp.CreateStreamHandler();
        var gateway = GatewayClient.Over(handler, system.GatewayAddress, TimeSpan.FromSeconds(30), streamHandler);
        var admin = await SignedInUser.SignInAsync(gateway, Admin, Clock, cancellationToken, failFastWhenUnreachable: true);
        var crowd = await CustomerPool.PrepareAsync(gateway, new CustomerSource.Existing(Crowd()), admin, parallelism: 4, Clock, prepared: null, cancellationToken);
        var hot = await NewSaleAsync(gateway, admin, "BENCH-HOT", plan.HotSkuUnits, cancellationToken);
        if (warmUpTheProcess)
        {
            await WarmUpAsync(gateway, admin, crowd, cancellationToken);
        }

        if (plan.Runs("browse"))
        {
            results.Add(await ClosedLoopAsync("browse", Workloads.Browse(gateway, hot.Sku, crowd.Next()), audit: null, cancellationToken));
        }

        var order = new PreparedOrder(hot.Sku, 1);
        if (plan.Runs("hot-sku"))
        {
            results.Add(await ClosedLoopAsync("hot-sku", Workloads.PlaceOrders(gateway, crowd, order),
                () => AuditAsync(system, hot, cancellationToken), cancellationToken));
        }

        if (!timing.IsModelled && plan.Runs("hot-sku-60s"))
        {
            // A fresh SKU, so that the long run shows what happens to one SKU as its sale grows from its first order.
            var growing = await NewSaleAsync(gateway, admin, "BENCH-LONG", plan.HotSkuUnits, cancellationToken);
            results.Add(await ClosedLoopAsync("hot-sku-60s", Workloads.PlaceOrders(gateway, crowd, new PreparedOrder(growing.Sku, 1)),
                () => AuditAsync(system, growing, cancellationToken), cancellationToken, plan.LongRun));
        }

        if (plan.Runs("hot-sku-reservations"))
        {
            var reserved = await NewSaleAsync(gateway, admin, "BENCH-RESERVE", plan.HotSkuUnits, cancellationToken);
            results.Add(await ClosedLoopAsync("hot-sku-reservations", Reserve(system, reserved.Sku),
                () => ReservationAuditAsync(gateway, admin, reserved, cancellationToken), cancellationToken));
        }

        if (plan.Runs("hot-sku-reservations-crowd"))
        {
            var crowded = await NewSaleAsync(gateway, admin, "BENCH-CROWD", plan.HotSkuUnits, cancellationToken);
            results.Add(await ClosedLoopAsync("hot-sku-reservations-crowd", Reserve(system, crowded.Sku),
                () => ReservationAuditAsync(gateway, admin, crowded, cancellationToken), cancellationToken, connections: plan.CrowdConnections));
        }

        if (plan.Runs("sold-out"))
        {
            // (c'') the hot SKU, now sold out: every placement should be refused, and none may succeed.
            await gateway.SetStockAsync(await admin.TokenAsync(cancellationToken), hot.Sku, 0, cancellationToken);
            // Refusals are compared with product reads measured just before and just after them: the machine's speed
            // drifts, and by now the process carries every order of the workloads above, which the first browse did not.
            var reads = Workloads.Browse(gateway, hot.Sku, crowd.Next());
            var readsBefore = await ClosedLoopAsync("browse before sold-out", reads, audit: null, cancellationToken);
            var refusals = await ClosedLoopAsync("sold-out", Workloads.PlaceOrders(gateway, crowd, order),
                audit: null, cancellationToken, soldOut: true);
            var readsAfter = await ClosedLoopAsync("browse after sold-out", reads, audit: null, cancellationToken);
            results.Add(refusals with { ReadsAlongsidePerSecond = (readsBefore.AchievedPerSecond + readsAfter.AchievedPerSecond) / 2 });
        }

        if (plan.Runs("flash-sale"))
        {
            results.Add(await FlashSaleAsync(system, gateway, cancellationToken));
        }
        return results;
    }

    /// <summary>Half browsing, half placements on a SKU of its own: the code paths of every workload that follows.</summary>
    private async Task WarmUpAsync(GatewayClient gateway, SignedInUser admin, CustomerPool crowd, CancellationToken cancellationToken)
    {
        var warm = await NewSaleAsync(gateway, admin, "BENCH-WARM", plan.HotSkuUnits, cancellationToken);
        var browse = Workloads.Browse(gateway, warm.Sku, crowd.Next());
        var place = Workloads.PlaceOrders(gateway, crowd, new PreparedOrder(warm.Sku, 1));
        var calls = 0L;
        await view.StepAsync($"warm up the process ({TimingName})", plan.ProcessWarmUp, meter =>
            ClosedLoop.RunAsync(plan.Connections, plan.ProcessWarmUp,
                meter.Counting(token => Interlocked.Increment(ref calls) % 2 == 0 ? browse(token) : place(token)), Clock, cancellationToken),
            result => string.Create(CultureInfo.InvariantCulture, $"{result.Requests:N0} requests"));
    }

    private static IReadOnlyList<Credentials> Crowd() => Enumerable.Range(1, Customers.FlashSaleCrowd)
        .Select(i => new Credentials(Customers.FlashSaleCustomer(i), Customers.PasswordOf(Customers.FlashSaleCustomer(i))))
        .ToList();

    private Task<PreparedSale> NewSaleAsync(GatewayClient gateway, SignedInUser admin, string prefix, int units, CancellationToken cancellationToken) =>
        SaleSetup.PrepareAsync(gateway, admin, new LoadOptions
        {
            Gateway = gateway.Address!,
            SkuPrefix = prefix,
            Units = units,
            Customers = new CustomerSource.Existing([]),
        }, Clock, cancellationToken);

    /// <summary>One reservation per call, a new order id each time, through ordering's own batching and actor proxy.</summary>
    private static Func<CancellationToken, Task<string>> Reserve(FlashSaleSystem system, string sku) => async cancellationToken =>
        (await system.ReserveAsOrderingDoesAsync(sku, new ReserveItem(Guid.NewGuid().ToString("N"), 1), cancellationToken)).ToString();

    private async Task<WorkloadResult> ClosedLoopAsync(
        string workload, Func<CancellationToken, Task<string>> operation, Func<Task<SaleAudit>>? audit, CancellationToken cancellationToken,
        TimeSpan? duration = null, bool soldOut = false, int? connections = null)
    {
        var run = duration ?? plan.Run;
        var inFlight = connections ?? plan.Connections;
        await ClosedLoop.RunAsync(inFlight, plan.WarmUp, operation, Clock, cancellationToken);
        Meter? measured = null;
        var cpu = CpuStopwatch.StartNew();
        var result = await view.StepAsync($"{workload} ({TimingName})", run, meter =>
        {
            measured = meter;
            return ClosedLoop.RunAsync(inFlight, run, meter.Counting(operation), Clock, cancellationToken);
        }, Summary);
        var cpuPerAnswer = cpu.MicrosecondsPer(result.Requests);

        var checkedSale = audit is null ? null : await audit();
        var created = result.Answers.GetValueOrDefault("201");
        var longRun = duration is not null;
        return new WorkloadResult
        {
            Workload = workload,
            Timing = TimingName,
            OfferedPerSecond = null,
            AchievedPerSecond = result.PerSecond,
            P50Ms = result.Latency.P50Ms,
            P99Ms = result.Latency.P99Ms,
            SettleP99Ms = null,
            RatioToKestrel = Ratio(result.PerSecond, kestrelPerSecond),
            CpuMicrosecondsPerAnswer = cpuPerAnswer,
            // A sold-out SKU must refuse every placement: each 201 is a unit sold that was not there.
            Oversold = soldOut ? created : checkedSale?.Oversold,
            Unsettled = checkedSale?.Unsettled,
            DoubleCharged = checkedSale?.DoubleCharged,
            Connections = result.Connections,
            Requests = result.Requests,
            Seconds = result.Seconds,
            Answers = result.Answers,
            FirstWindowPerSecond = longRun ? measured!.RateBetween(TimeSpan.Zero, plan.Window) : null,
            LastWindowPerSecond = longRun ? measured!.RateBetween(run - plan.Window, plan.Window) : null,
            Note = checkedSale is { Orders: > 0 } sale ? $"{sale.Orders:N0} orders, {sale.ConfirmedUnits:N0} units confirmed" : null,
        };
    }

    private async Task<WorkloadResult> FlashSaleAsync(FlashSaleSystem system, GatewayClient gateway, CancellationToken cancellationToken)
    {
        var options = new LoadOptions
        {
            Gateway = system.GatewayAddress,
            SkuPrefix = "BENCH-SALE",
            Units = plan.FlashSaleUnits,
            Rate = RateProfile.Constant(plan.FlashSaleBuyersPerSecond, plan.FlashSaleDuration),
            Admin = Admin,
            Customers = new CustomerSource.Existing(Crowd()),
            PollInterval = TimeSpan.FromMilliseconds(100),
            // Four descriptors per open stream in this one process: 3,000 stay well inside a 20,000 limit.
            MaxOpenStreams = 3_000,
            SettleTimeout = plan.SettleTimeout,
        };
        var report = await view.StepAsync($"flash-sale ({TimingName}): {plan.FlashSaleBuyersPerSecond:0} buyers/s for {plan.FlashSaleDuration.TotalSeconds:0} s, {plan.FlashSaleUnits:N0} units",
            plan.FlashSaleDuration, meter => FlashSaleRun.RunAsync(options, gateway, new SynchronousProgress(stats => meter.Status = string.Create(CultureInfo.InvariantCulture,
                $"{stats.Phase}: {stats.Arrivals:N0} buyers, {stats.AchievedPerSecond:N0}/s answered, {stats.UnitsSold ?? 0:N0} sold, {stats.OrdersSettled:N0} settled")),
                cancellationToken: cancellationToken),
            report => string.Create(CultureInfo.InvariantCulture,
                $"{report.Throughput.AchievedPerSecond:N0}/s of {report.Throughput.OfferedPerSecond:N0}/s offered, settle p99 {report.Settle.P99Ms:N0} ms, invariants {(report.AnyInvariantBroken ? "BROKEN" : "held")}"));
        FlashSaleConsoleReport = Render(report);

        var sale = await AuditAsync(system, new PreparedSale(report.Sku, report.Stock.UnitsOnSale, report.Stock.Before, 0), cancellationToken);
        return new WorkloadResult
        {
            Workload = "flash-sale",
            Timing = TimingName,
            OfferedPerSecond = report.Throughput.OfferedPerSecond,
            AchievedPerSecond = report.Throughput.AchievedPerSecond,
            P50Ms = report.Placement.P50Ms,
            P99Ms = report.Placement.P99Ms,
            SettleP99Ms = report.Settle.P99Ms,
            SettleFirstWindowP99Ms = report.SettleOfFirstWindow.P99Ms,
            SettleLastWindowP99Ms = report.SettleOfLastWindow.P99Ms,
            SettleGrowth = report.SettleGrowth,
            RatioToKestrel = Ratio(report.Throughput.AchievedPerSecond, kestrelPerSecond),
            // loadgen's verdicts through the admin APIs, and the system's own records: the worse of the two counts.
            Oversold = Math.Max(report.Oversold, sale.Oversold),
            Unsettled = Math.Max(report.Unsettled, sale.Unsettled),
            DoubleCharged = Math.Max(report.DoubleCharged, sale.DoubleCharged),
            Requests = report.Throughput.Answered,
            Seconds = report.Throughput.AnsweredSeconds,
            Answers = report.AnswersByStatus,
            Note = string.Create(CultureInfo.InvariantCulture,
                $"{report.Orders.Placed:N0} orders ({report.Orders.Confirmed:N0} confirmed) at {report.Throughput.OrdersPerSecond:0.#} orders/s; ")
                + (report.TimeToSoldOutSeconds is { } soldOut ? string.Create(CultureInfo.InvariantCulture, $"sold out after {soldOut:0.0} s") : "not sold out")
                + (report.AnyInvariantBroken ? "; an invariant broke" : ""),
        };
    }

    /// <summary>Waits for the system to settle, then counts from its stores and the provider's ledger.</summary>
    private async Task<SaleAudit> AuditAsync(FlashSaleSystem system, PreparedSale sale, CancellationToken cancellationToken)
    {
        try
        {
            await system.SettleAsync(plan.SettleTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Whatever has not settled by now is counted as unsettled below.
        }

        var orders = system.StoredOrdersOfSku(sale.Sku);
        var confirmedUnits = orders.Where(order => Status(order) == "Confirmed").Sum(order => UnitsOf(order, sale.Sku));
        var unsettled = orders.Count(order => Status(order) is not ("Confirmed" or "Cancelled"));
        var ledgers = await system.PaymentLedgersAsync(orders.Select(order => order.GetProperty("id").GetString()!), cancellationToken);
        var doubleCharged = ledgers.Values.Count(ledger => ledger.Charges.Count(charge => charge.ChargeId is not null) > 1);
        return new SaleAudit(Math.Max(0, confirmedUnits - sale.UnitsOnSale), unsettled, doubleCharged, orders.Count, confirmedUnits);
    }

    /// <summary>Reservations hold units without orders: the SKU may never hold more (reserved and sold) than it had.</summary>
    private static async Task<SaleAudit> ReservationAuditAsync(GatewayClient gateway, SignedInUser admin, PreparedSale sale, CancellationToken cancellationToken)
    {
        var levels = await gateway.GetStockAsync(await admin.TokenAsync(cancellationToken), sale.Sku, cancellationToken);
        var taken = levels.Value is { } stock ? stock.Reserved + stock.Sold : 0;
        var oversold = levels.Value is { Available: < 0 } ? -levels.Value.Available : Math.Max(0, taken - sale.UnitsOnSale);
        return new SaleAudit(oversold, 0, 0, 0, 0);
    }

    private static string? Status(JsonElement order) => order.TryGetProperty("status", out var status) ? status.GetString() : null;

    private static int UnitsOf(JsonElement order, string sku) => order.GetProperty("lines").EnumerateArray()
        .Where(line => line.GetProperty("sku").GetString() == sku)
        .Sum(line => line.GetProperty("quantity").GetInt32());

    private static string Summary(ThroughputResult result) => string.Create(CultureInfo.InvariantCulture,
        $"{result.PerSecond:N0}/s, p50 {result.Latency.P50Ms:0.0} ms, p99 {result.Latency.P99Ms:0.0} ms ({string.Join(", ", result.Answers.Select(answer => $"{answer.Key}: {answer.Value:N0}"))})");

    public static double Ratio(double perSecond, double kestrel) => kestrel > 0 ? Math.Round(perSecond / kestrel, 4) : 0;

    private static string Render(LoadReport report)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(text),
        });
        console.Profile.Width = 120;
        ReportView.Write(console, report);
        return text.ToString();
    }
}

/// <summary>Reports on the caller's thread, at once (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
internal sealed class SynchronousProgress(Action<LiveStats> report) : IProgress<LiveStats>
{
    public void Report(LiveStats value) => report(value);
}

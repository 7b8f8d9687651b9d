using System.Collections.Concurrent;
using FlashSale.LoadGen.Infrastructure;
using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Application;

/// <summary>The system's own figures after the run, read through the admin APIs, and the invariants judged on them.</summary>
internal sealed record AuditResult(StockLevels StockAfter, int? DashboardUnitsSold, IReadOnlyList<InvariantResult> Invariants);

/// <summary>
/// After the last buyer: waits (up to <see cref="LoadOptions.AuditTimeout"/>) for inventory and the dashboard to catch
/// up with the orders the buyers saw confirmed (both follow events), reads every order's payment, then judges.
/// </summary>
internal static class SaleAudit
{
    private const int PaymentReadsAtOnce = 8;
    private static readonly TimeSpan CatchUpInterval = TimeSpan.FromMilliseconds(500);

    public static async Task<AuditResult> RunAsync(
        GatewayClient gateway, SignedInUser admin, PreparedSale sale, RunStatistics statistics, LoadOptions options, bool interrupted,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var orders = statistics.Orders.ToList();
        var confirmedUnits = orders.Where(order => order.FinalStatus == OrderView.Confirmed).Sum(order => order.Quantity);
        var waitingSince = clock.GetTimestamp();
        StockLevels stock;
        int? dashboard;
        while (true)
        {
            var token = await admin.TokenAsync(cancellationToken);
            var answer = await gateway.GetStockAsync(token, sale.Sku, cancellationToken);
            stock = answer.Value ?? statistics.Stock.Latest ?? sale.StockBefore;
            if (answer.Value is { } levels)
            {
                statistics.Stock.Observe(levels);
            }

            dashboard = await SaleSetup.UnitsSoldAsync(gateway, token, sale.Sku, cancellationToken) - sale.DashboardUnitsSoldBefore;
            var caughtUp = stock.Sold - sale.StockBefore.Sold == confirmedUnits && (dashboard is null || dashboard == confirmedUnits);
            if (caughtUp || interrupted || clock.GetElapsedTime(waitingSince) >= options.AuditTimeout)
            {
                break;
            }

            await Task.Delay(CatchUpInterval, clock, cancellationToken);
        }

        var (payments, unavailable) = await PaymentsAsync(gateway, admin, orders, cancellationToken);
        var invariants = InvariantRules.Evaluate(new SaleObservation
        {
            ConfirmedUnits = confirmedUnits,
            UnitsOnSale = sale.UnitsOnSale,
            StockBefore = sale.StockBefore,
            StockAfter = stock,
            LowestAvailable = Math.Min(statistics.Stock.LowestAvailable, sale.StockBefore.Available),
            LowestReserved = Math.Min(statistics.Stock.LowestReserved, sale.StockBefore.Reserved),
            DashboardUnitsSold = dashboard,
            OrdersPlaced = orders.Count,
            OrdersUnsettled = orders.Count(order => order.FinalStatus is null),
            SettleDeadline = options.SettleTimeout,
            Payments = payments,
            PaymentsUnavailable = unavailable,
            Interrupted = interrupted,
        });
        return new AuditResult(stock, dashboard, invariants);
    }

    /// <summary>Every placed order's payment; null and the reason when payment's admin API cannot be read.</summary>
    private static async Task<(IReadOnlyList<PaymentObservation>? Payments, string? Unavailable)> PaymentsAsync(
        GatewayClient gateway, SignedInUser admin, IReadOnlyList<TrackedOrder> orders, CancellationToken cancellationToken)
    {
        var payments = new ConcurrentBag<PaymentObservation>();
        string? unavailable = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await Parallel.ForEachAsync(orders, new ParallelOptions { MaxDegreeOfParallelism = PaymentReadsAtOnce, CancellationToken = stop.Token },
                async (order, token) =>
                {
                    var answer = await gateway.GetPaymentAsync(await admin.TokenAsync(token), order.Id, token);
                    if (answer is { Succeeded: true, Value: { } payment })
                    {
                        payments.Add(payment.ToObservation());
                    }
                    else if (answer is { Status: 404, Problem.Title: PaymentView.NotRecordedTitle })
                    {
                        payments.Add(new PaymentObservation(order.Id, Status: null, ChargeAttempts: 0, Charges: 0));
                    }
                    else
                    {
                        Interlocked.CompareExchange(ref unavailable, answer.Status == 404
                            ? "payment's admin API (GET /api/payments/{orderId}) is not routed by this gateway"
                            : $"reading the payment of order {order.Id} answered {answer.Describe()}", null);
                        await stop.CancelAsync();
                    }
                });
        }
        catch (OperationCanceledException) when (unavailable is not null)
        {
        }

        return unavailable is null ? (payments.ToList(), null) : (null, unavailable);
    }
}

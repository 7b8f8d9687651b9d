using FlashSale.LoadGen.Domain;
using Spectre.Console;

namespace FlashSale.LoadGen.Infrastructure;

/// <summary>The final report as tables: what was offered and achieved, latencies, answers, the sale's figures, the invariants.</summary>
public static class ReportView
{
    public static void Write(IAnsiConsole console, LoadReport report)
    {
        var run = report.Throughput;
        var summary = Table("run", "figure");
        summary.AddRow("gateway", report.Gateway);
        summary.AddRow("sku", report.Sku);
        summary.AddRow("setup (untimed)", $"sale {report.Setup.SaleSeconds:0.0} s; customers {report.Setup.CustomersSeconds:0.0} s ({report.Setup.CustomersSignedUp} signed up, {report.Setup.CustomersReused} reused)");
        summary.AddRow("buyers", $"{run.Arrivals:N0} in {run.ScheduledSeconds:0.0} s{(report.Interrupted ? " (interrupted)" : "")}");
        summary.AddRow("offered", $"{run.OfferedPerSecond:0.0} buyers/s");
        summary.AddRow("achieved", $"{run.AchievedPerSecond:0.0} answered buyers/s ({run.Answered:N0} in {run.AnsweredSeconds:0.0} s), {run.OrdersPerSecond:0.0} orders/s");
        summary.AddRow("time to sold out", report.TimeToSoldOutSeconds is { } soldOut ? $"{soldOut:0.00} s" : "not sold out");
        summary.AddRow("orders", $"{report.Orders.Placed:N0} placed: {report.Orders.Confirmed:N0} confirmed ({report.Orders.ConfirmedUnits:N0} units), {report.Orders.Cancelled:N0} cancelled, {report.Orders.Unsettled:N0} unsettled");
        summary.AddRow("buyers without order", $"{report.Orders.BuyersRefused:N0} refused, {report.Orders.BuyersGaveUp:N0} gave up after retries");
        summary.AddRow("stock", $"{report.Stock.UnitsOnSale:N0} on sale; now {report.Stock.After.Available:N0} available, {report.Stock.After.Reserved:N0} reserved, {report.Stock.After.Sold - report.Stock.Before.Sold:N0} sold in this run");
        console.Write(summary);

        var latency = Table("latency (ms)", "count", "p50", "p90", "p99", "max");
        AddLatency(latency, "browse", report.Browse);
        AddLatency(latency, "placement", report.Placement);
        AddLatency(latency, "settle (201 to final)", report.Settle);
        AddLatency(latency, $"  placed in the first {LoadReport.SettleWindow.TotalSeconds:0} s", report.SettleOfFirstWindow);
        AddLatency(latency, $"  placed in the last {LoadReport.SettleWindow.TotalSeconds:0} s", report.SettleOfLastWindow);
        console.Write(latency);

        var answers = Table("placement answers", "count");
        foreach (var (status, count) in report.AnswersByStatus)
        {
            answers.AddRow(Markup.Escape(status), $"{count:N0}");
        }

        foreach (var (problem, count) in report.AnswersByProblem)
        {
            answers.AddRow(Markup.Escape($"  {problem}"), $"{count:N0}");
        }

        console.Write(answers);

        var invariants = Table("invariant", "verdict", "detail");
        foreach (var invariant in report.Invariants)
        {
            var verdict = invariant.Status switch
            {
                InvariantStatus.Held => "[green]held[/]",
                InvariantStatus.Broken => "[red]BROKEN[/]",
                _ => "[yellow]unverified[/]",
            };
            invariants.AddRow(Markup.Escape(invariant.Name), verdict, Markup.Escape(invariant.Detail));
        }

        console.Write(invariants);
        foreach (var chaos in report.Chaos)
        {
            console.WriteLine($"chaos at {chaos.AtSeconds:0.0} s: {chaos.What}");
        }
    }

    private static Table Table(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)));
        }

        return table;
    }

    private static void AddLatency(Table table, string name, LatencySummary latency) =>
        table.AddRow(Markup.Escape(name), $"{latency.Count:N0}", $"{latency.P50Ms:0.0}", $"{latency.P90Ms:0.0}", $"{latency.P99Ms:0.0}", $"{latency.MaxMs:0.0}");
}

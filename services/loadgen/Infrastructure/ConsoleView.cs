using System.Globalization;
using FlashSale.LoadGen.Application;
using FlashSale.LoadGen.Domain;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace FlashSale.LoadGen.Infrastructure;

/// <summary>
/// Shows the run while it goes: a live table on a terminal, or (output redirected, e.g. a Job's log, or --plain) a
/// line whenever the phase changes and every few seconds.
/// </summary>
public sealed class ConsoleView(IAnsiConsole console, bool plain)
{
    private static readonly TimeSpan PlainLineEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Redraw = TimeSpan.FromMilliseconds(250);

    private bool Live => !plain && console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi;

    /// <summary>Runs <paramref name="run"/>, showing the progress it reports.</summary>
    public async Task<T> ShowAsync<T>(Func<IProgress<LiveStats>, Task<T>> run)
    {
        if (!Live)
        {
            var lines = new PlainLines(console);
            return await run(new SynchronousProgress(lines.Write));
        }

        LiveStats? latest = null;
        var progress = new SynchronousProgress(stats => Volatile.Write(ref latest, stats));
        var result = default(T)!;
        await console.Live(new Text("starting")).AutoClear(false).StartAsync(async context =>
        {
            var running = run(progress);
            while (!running.IsCompleted)
            {
                if (Volatile.Read(ref latest) is { } stats)
                {
                    context.UpdateTarget(Render(stats));
                }

                await Task.WhenAny(running, Task.Delay(Redraw));
            }

            if (Volatile.Read(ref latest) is { } last)
            {
                context.UpdateTarget(Render(last));
            }

            result = await running;
        });
        return result;
    }

    private static IRenderable Render(LiveStats stats)
    {
        var table = new Table().Border(TableBorder.Rounded).HideHeaders()
            .Title($"[bold]loadgen[/] {Markup.Escape(stats.Sku ?? "")}: {Markup.Escape(stats.Phase)}")
            .AddColumn("").AddColumn("");
        if (stats.Customers > 0 && !stats.Timed)
        {
            table.AddRow("customers", $"{stats.CustomersReady:N0} of {stats.Customers:N0} signed in");
        }

        if (stats.Timed)
        {
            table.AddRow("elapsed", $"{stats.Elapsed.TotalSeconds:0.0} s");
            table.AddRow("buyers", $"{stats.Arrivals:N0}{OfScheduled(stats, "N0")} arrived, {stats.BuyersInFlight:N0} in flight");
            table.AddRow("rate", $"offered {stats.OfferedPerSecond:0.0}/s, achieved {stats.AchievedPerSecond:0.0}/s");
            table.AddRow("answers", Markup.Escape(Answers(stats.AnswersByStatus)));
            table.AddRow("placement", $"p50 {stats.Placement.P50Ms:0.0} ms, p99 {stats.Placement.P99Ms:0.0} ms ({stats.Placement.Count:N0} buyers)");
            table.AddRow("orders", $"{stats.OrdersPlaced:N0} placed, {stats.OrdersSettled:N0} settled");
            table.AddRow("stock", Stock(stats));
            foreach (var chaos in stats.Chaos.TakeLast(3))
            {
                table.AddRow("chaos", Markup.Escape($"{chaos.AtSeconds:0.0} s: {chaos.What}"));
            }
        }

        return table;
    }

    private static string OfScheduled(LiveStats stats, string format) =>
        stats.ScheduledArrivals is { } scheduled ? $" of {scheduled.ToString(format, CultureInfo.InvariantCulture)}" : "";

    private static string Answers(IReadOnlyDictionary<string, long> answers) =>
        answers.Count == 0 ? "none yet" : string.Join("  ", answers.Select(pair => $"{pair.Key} x{pair.Value:N0}"));

    private static string Stock(LiveStats stats) => stats.UnitsSold is null
        ? "not sampled yet"
        : $"{stats.UnitsSold:N0} units sold, {stats.StockAvailable:N0} available, {stats.StockReserved:N0} reserved";

    /// <summary>Progress as log lines: one per phase change, else one every few seconds.</summary>
    private sealed class PlainLines(IAnsiConsole console)
    {
        private string? _phase;
        private DateTimeOffset _lastLine;

        public void Write(LiveStats stats)
        {
            var now = DateTimeOffset.UtcNow;
            if (stats.Phase == _phase && now - _lastLine < PlainLineEvery)
            {
                return;
            }

            _phase = stats.Phase;
            _lastLine = now;
            var line = stats.Timed ? Line(stats)
                : stats.Customers > 0 ? $"{stats.Phase} ({stats.CustomersReady}/{stats.Customers})"
                : stats.Phase;
            // Straight to the output: a log line is not wrapped at the console's width.
            console.Profile.Out.Writer.WriteLine(line);
        }

        private static string Line(LiveStats stats) => string.Create(CultureInfo.InvariantCulture,
                    $"{stats.Elapsed.TotalSeconds,6:0.0} s  {stats.Phase}: buyers {stats.Arrivals}{OfScheduled(stats, "0")}, offered {stats.OfferedPerSecond:0.0}/s, achieved {stats.AchievedPerSecond:0.0}/s, "
                    + $"p50 {stats.Placement.P50Ms:0.0} ms, p99 {stats.Placement.P99Ms:0.0} ms, {Answers(stats.AnswersByStatus)}, {Stock(stats)}");
    }

    /// <summary>Reports on the caller's thread (<see cref="Progress{T}"/> would post to the thread pool, out of order).</summary>
    private sealed class SynchronousProgress(Action<LiveStats> report) : IProgress<LiveStats>
    {
        private readonly Lock _lock = new();

        public void Report(LiveStats value)
        {
            lock (_lock)
            {
                report(value);
            }
        }
    }
}

using System.Globalization;
using Spectre.Console;

namespace FlashSale.Bench;

/// <summary>
/// Shows the run while it goes: a progress bar per workload with its live rate on a terminal, or a line per workload
/// and every few seconds when the output is redirected (a test, a CI log).
/// </summary>
public sealed class ProgressView(IAnsiConsole console)
{
    private static readonly TimeSpan PlainLineEvery = TimeSpan.FromSeconds(5);
    private ProgressContext? _live;

    public IAnsiConsole Console => console;

    private bool Interactive => console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi;

    /// <summary>Runs the whole benchmark inside one display.</summary>
    public async Task<T> ShowAsync<T>(Func<ProgressView, Task<T>> run)
    {
        if (!Interactive)
        {
            return await run(this);
        }

        var result = default(T)!;
        await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                _live = context;
                result = await run(this);
            });
        _live = null;
        return result;
    }

    /// <summary>One workload: <paramref name="work"/> counts its answers on the meter it is given.</summary>
    public async Task<T> StepAsync<T>(string title, TimeSpan expected, Func<Meter, Task<T>> work, Func<T, string> summary)
    {
        var meter = new Meter(expected);
        var task = _live?.AddTask(Markup.Escape(title), maxValue: Math.Max(1, expected.TotalSeconds));
        if (task is null)
        {
            console.WriteLine($"{title}: running ({expected.TotalSeconds:0.#} s)");
        }

        using var stop = new CancellationTokenSource();
        var display = ShowWhileRunningAsync(title, meter, task, stop.Token);
        T result;
        try
        {
            result = await work(meter);
        }
        finally
        {
            await stop.CancelAsync();
            await display;
        }

        var done = summary(result);
        if (task is not null)
        {
            task.Description = Markup.Escape($"{title}: {done}");
            task.Value = task.MaxValue;
            task.StopTask();
        }
        else
        {
            console.WriteLine($"{title}: {done}");
        }

        return result;
    }

    private async Task ShowWhileRunningAsync(string title, Meter meter, ProgressTask? task, CancellationToken stop)
    {
        var lastLine = TimeSpan.Zero;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), stop);
                var status = string.Create(CultureInfo.InvariantCulture, $"{meter.Total:N0} answers, {meter.CurrentRate:N0}/s{(meter.Status is { } s ? $", {s}" : "")}");
                if (task is not null)
                {
                    task.Description = Markup.Escape($"{title}: {status}");
                    task.Value = Math.Min(task.MaxValue, meter.Elapsed.TotalSeconds);
                }
                else if (meter.Elapsed - lastLine >= PlainLineEvery)
                {
                    lastLine = meter.Elapsed;
                    console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {title}: {meter.Elapsed.TotalSeconds:0} s, {status}"));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

using FlashSale.Bench;
using Spectre.Console;

// bench/run.sh [--quick] [--only WORKLOAD[,WORKLOAD...]] [--timing none|modelled] [--report FILE] [--markdown FILE]: see bench/README.md.
var arguments = BenchArguments.Parse(args);
if (arguments.Problem is { } problem)
{
    Console.Error.WriteLine($"flashsale-bench: {problem}\n{BenchArguments.Usage}");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, press) => { press.Cancel = true; stop.Cancel(); };
var view = new ProgressView(AnsiConsole.Console);
var outcome = await view.ShowAsync(progress => BenchmarkRun.RunAsync(arguments.Plan, progress, stop.Token));
await arguments.WriteAsync(outcome, AnsiConsole.Console);
return 0;

using System.Runtime.InteropServices;
using FlashSale.LoadGen.Api;
using Spectre.Console;

// loadgen: a flash-sale load generator for a FlashSale gateway (see README.md and `loadgen --help`).
// The first Ctrl-C or SIGTERM stops the run and prints the report so far; a second one ends the process at once.
using var stop = new CancellationTokenSource();
void Interrupt(PosixSignalContext signal)
{
    if (!stop.IsCancellationRequested)
    {
        signal.Cancel = true;
        Console.Error.WriteLine($"loadgen: {signal.Signal}: stopping, the report so far follows (again to quit at once)");
        stop.Cancel();
    }
}

// Redirected output (a Job's log) is read later, not in an 80-column terminal: the tables may be wider.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 140;
}

using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
return await LoadGenCommand.RunAsync(args, Environment.GetEnvironmentVariable, AnsiConsole.Console, Console.Error, stop.Token);

using FlashSale.LoadGen.Application;
using FlashSale.LoadGen.Infrastructure;
using Spectre.Console;

namespace FlashSale.LoadGen.Api;

/// <summary>The exit codes, as documented in the usage and the README.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int InvariantBroken = 1;
    public const int BadArguments = 2;
    public const int CouldNotStart = 3;
    public const int Interrupted = 4;
}

/// <summary>
/// The command: parse, check the tools, run with live progress, print the report (and write it as JSON), exit with
/// a code that says how it went. Problems a user can fix are one line on <paramref name="error"/>, not a stack trace.
/// </summary>
public static class LoadGenCommand
{
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, Func<string, string?> environment, IAnsiConsole console, TextWriter error, CancellationToken stop)
    {
        Invocation invocation;
        switch (CommandLine.Parse(args, environment))
        {
            case ParsedCommand.Help:
                console.Profile.Out.Writer.Write(CommandLine.Usage());
                return ExitCodes.Ok;
            case ParsedCommand.Invalid invalid:
                await error.WriteLineAsync($"loadgen: {invalid.Problem}");
                await error.WriteLineAsync();
                await error.WriteAsync(CommandLine.Usage());
                return ExitCodes.BadArguments;
            case ParsedCommand.Run run:
                invocation = run.Invocation;
                break;
            default:
                throw new InvalidOperationException("unknown command");
        }

        var chaos = invocation.Chaos is { } settings ? new KubectlChaos(settings) : null;
        if (chaos is not null && await chaos.ProblemAsync(stop) is { } kubectl)
        {
            await error.WriteLineAsync($"loadgen: {kubectl}");
            return ExitCodes.CouldNotStart;
        }

        using var handler = GatewayHttp.CreateHandler(invocation.Connections);
        using var streamHandler = GatewayHttp.CreateStreamHandler();
        Domain.LoadReport report;
        try
        {
            report = await new ConsoleView(console, invocation.PlainProgress).ShowAsync(progress =>
                FlashSaleRun.RunAsync(invocation.Options, GatewayClient.Over(handler, invocation.Options.Gateway, invocation.Options.RequestTimeout, streamHandler),
                    progress, chaos, cancellationToken: stop));
        }
        catch (SetupFailedException ex)
        {
            await error.WriteLineAsync($"loadgen: {ex.Message}");
            return ExitCodes.CouldNotStart;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await error.WriteLineAsync("loadgen: interrupted during setup, before any buyer arrived");
            return ExitCodes.Interrupted;
        }

        ReportView.Write(console, report);
        if (invocation.ReportPath is { } path)
        {
            try
            {
                await ReportFile.WriteAsync(path, report, CancellationToken.None);
                console.WriteLine($"report written to {path}");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"loadgen: cannot write the report to {path}: {ex.Message}");
            }
        }

        return report.AnyInvariantBroken ? ExitCodes.InvariantBroken
            : report.Interrupted ? ExitCodes.Interrupted
            : ExitCodes.Ok;
    }
}

using FlashSale.LoadGen.Api;
using Spectre.Console;

namespace FlashSale.LoadGen.Tests;

/// <summary>Runs the loadgen command as the executable does, with its output and errors captured.</summary>
internal static class Command
{
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });

        var exitCode = await LoadGenCommand.RunAsync(args, _ => null, console, errors, TestContext.Current.CancellationToken);
        return (exitCode, output.ToString(), errors.ToString());
    }
}

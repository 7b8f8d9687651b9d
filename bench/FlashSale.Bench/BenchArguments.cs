using Spectre.Console;

namespace FlashSale.Bench;

/// <summary>
/// The command line. A full run writes docs/benchmarks.json and docs/benchmarks.md unless told otherwise; a quick run
/// writes only what it is asked to (its figures are not worth publishing).
/// </summary>
public sealed record BenchArguments(BenchmarkPlan Plan, string? ReportPath, string? MarkdownPath, string? Problem)
{
    public const string Usage = "usage: bench/run.sh [--quick] [--report FILE] [--markdown FILE]";

    public static BenchArguments Parse(IReadOnlyList<string> args)
    {
        var quick = false;
        string? report = null;
        string? markdown = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--report" or "--markdown" when i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal):
                    if (args[i] == "--report")
                    {
                        report = args[++i];
                    }
                    else
                    {
                        markdown = args[++i];
                    }

                    break;
                case "--report" or "--markdown":
                    return new(BenchmarkPlan.Full, null, null, $"{args[i]} needs a file name");
                default:
                    return new(BenchmarkPlan.Full, null, null, $"unknown argument '{args[i]}'");
            }
        }

        var docs = Path.Combine(RepositoryRoot(), "docs");
        report = report is null ? null : Path.GetFullPath(report);
        markdown = markdown is null ? null : Path.GetFullPath(markdown);
        return quick
            ? new(BenchmarkPlan.Quick, report, markdown, null)
            : new(BenchmarkPlan.Full, report ?? Path.Combine(docs, "benchmarks.json"), markdown ?? Path.Combine(docs, "benchmarks.md"), null);
    }

    public async Task WriteAsync(BenchmarkRun.Outcome outcome, IAnsiConsole console)
    {
        var markdown = MarkdownReport.Render(outcome.Report, outcome.FlashSaleConsoleReport);
        if (ReportPath is not null)
        {
            await File.WriteAllTextAsync(ReportPath, outcome.Report.ToJson() + Environment.NewLine);
            console.WriteLine($"report: {ReportPath}");
        }

        if (MarkdownPath is not null)
        {
            await File.WriteAllTextAsync(MarkdownPath, markdown);
            console.WriteLine($"table: {MarkdownPath}");
        }
        else
        {
            console.WriteLine(markdown);
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Services.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}

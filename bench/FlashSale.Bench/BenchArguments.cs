using Spectre.Console;

namespace FlashSale.Bench;

/// <summary>
/// The command line. A full run writes docs/benchmarks.json and docs/benchmarks.md unless told otherwise; a quick run
/// writes only what it is asked to (its figures are not worth publishing).
/// </summary>
public sealed record BenchArguments(BenchmarkPlan Plan, string? ReportPath, string? MarkdownPath, string? Problem)
{
    public const string Usage = "usage: bench/run.sh [--quick] [--only WORKLOAD[,WORKLOAD...]] [--timing none|modelled] [--report FILE] [--markdown FILE]";

    public static BenchArguments Parse(IReadOnlyList<string> args)
    {
        var quick = false;
        string? report = null;
        string? markdown = null;
        IReadOnlySet<string>? only = null;
        IReadOnlyList<string>? timings = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--only" when i + 1 < args.Count:
                    only = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
                    if (only.FirstOrDefault(name => !BenchmarkPlan.WorkloadNames.Contains(name)) is { } unknown)
                    {
                        return new(BenchmarkPlan.Full, null, null, $"--only: unknown workload '{unknown}' (one of {string.Join(", ", BenchmarkPlan.WorkloadNames)})");
                    }

                    break;
                case "--timing" when i + 1 < args.Count && args[i + 1] is "none" or "modelled":
                    timings = [args[++i]];
                    break;
                case "--only" or "--timing":
                    return new(BenchmarkPlan.Full, null, null, args[i] == "--only" ? "--only needs workload names" : "--timing needs none or modelled");
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
        var plan = (quick ? BenchmarkPlan.Quick : BenchmarkPlan.Full) with
        {
            Only = only ?? new HashSet<string>(),
            Timings = timings ?? BenchmarkPlan.Full.Timings,
        };
        // Only a full run of everything replaces the published figures; a partial one writes what it is asked to.
        var publishes = !quick && only is null && timings is null;
        return publishes
            ? new(plan, report ?? Path.Combine(docs, "benchmarks.json"), markdown ?? Path.Combine(docs, "benchmarks.md"), null)
            : new(plan, report, markdown, null);
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

using System.Collections.Concurrent;
using System.Diagnostics;

namespace FlashSale.Deployment.Tests.Support;

/// <summary>The helm CLI: from PATH, else from .tools/bin (tests/tools/ensure-helm.sh puts it there).</summary>
public static class Helm
{
    public const string KubeVersion = "1.34.0";

    private static readonly Lazy<string> Executable = new(Locate);
    private static readonly ConcurrentDictionary<string, Lazy<HelmResult>> Cache = new();

    public static HelmResult Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable.Value)
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("helm did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"helm {string.Join(' ', arguments)} did not finish in 2 minutes");
        }

        return new HelmResult(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>`helm template` of a chart for one profile (with the site's values it requires), rendered once per
    /// test run.</summary>
    public static HelmResult Template(Chart chart, string profile, params string[] extraArguments) =>
        Template(chart, profile, withSiteValues: true, extraArguments);

    public static HelmResult Template(Chart chart, string profile, bool withSiteValues, params string[] extraArguments)
    {
        var arguments = new List<string>
        {
            "template", chart.ReleaseName, chart.Directory, "--namespace", chart.Namespace, "--kube-version", KubeVersion,
        };
        if (profile != Chart.DefaultProfile)
        {
            arguments.AddRange(["--values", Path.Combine(chart.Directory, $"values-{profile}.yaml")]);
        }

        if (withSiteValues && chart.SiteValues(profile) is { } site)
        {
            arguments.AddRange(["--values", site]);
        }

        arguments.AddRange(extraArguments);
        return extraArguments.Length > 0
            ? Run([.. arguments])
            : Cache.GetOrAdd(string.Join('\u0001', arguments), _ => new Lazy<HelmResult>(() => Run([.. arguments]))).Value;
    }

    private static string Locate()
    {
        var name = OperatingSystem.IsWindows() ? "helm.exe" : "helm";
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(Repository.PathOf(".tools", "bin"))
            .Select(directory => Path.Combine(directory, name));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "helm was not found on PATH or in .tools/bin: run tests/tools/ensure-helm.sh (tests/run.sh does) and retry");
    }
}

public sealed record HelmResult(int ExitCode, string Output, string Error)
{
    /// <summary>The rendered documents; fails the test with helm's own message when rendering failed.</summary>
    public IReadOnlyList<Manifest> Manifests()
    {
        Assert.True(ExitCode == 0, $"helm failed ({ExitCode}):\n{Error}");
        return Yaml.ParseAll(Output).Select(node => new Manifest(node.AsObject())).ToList();
    }
}

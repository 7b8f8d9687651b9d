using System.ComponentModel;
using System.Diagnostics;
using FlashSale.LoadGen.Application;

namespace FlashSale.LoadGen.Infrastructure;

/// <summary>Which pods <c>--chaos-kill-every</c> deletes, and how often.</summary>
public sealed record ChaosSettings(TimeSpan Every, string Namespace, string Selector)
{
    /// <summary>The kubectl to run: found on PATH unless a path is given.</summary>
    public string Kubectl { get; init; } = "kubectl";

    public const string DefaultNamespace = "flashsale";

    /// <summary>The chart's pods, except loadgen's own (it runs as a Job of the same chart).</summary>
    public const string DefaultSelector = "app.kubernetes.io/part-of=flashsale,app.kubernetes.io/name!=loadgen";
}

/// <summary>
/// Deletes one random running FlashSale pod every interval with kubectl (as the chaos drills do), so the run shows
/// what buyers see while Kubernetes replaces it. Uses the current kube context, as kubectl does.
/// </summary>
public sealed class KubectlChaos(ChaosSettings settings) : IChaos
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Null when kubectl runs; otherwise what is wrong, for a one-line error before anything starts.</summary>
    public async Task<string?> ProblemAsync(CancellationToken cancellationToken)
    {
        var (exitCode, output) = await KubectlAsync(["version", "--client"], cancellationToken);
        return exitCode == 0 ? null : $"--chaos-kill-every needs kubectl: {output}";
    }

    public async Task RunAsync(Action<string> record, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(settings.Every);
        while (await timer.WaitForNextTickAsync(stop))
        {
            var (listed, pods) = await KubectlAsync(
                ["get", "pods", "-n", settings.Namespace, "-l", settings.Selector, "--field-selector=status.phase=Running", "-o", "name"], stop);
            var names = pods.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (listed != 0 || names.Length == 0)
            {
                record(listed != 0 ? $"could not list pods: {pods}" : $"no running pod matches {settings.Selector} in {settings.Namespace}");
                continue;
            }

            var victim = names[Random.Shared.Next(names.Length)];
            var (deleted, output) = await KubectlAsync(["delete", victim, "-n", settings.Namespace, "--wait=false"], stop);
            record(deleted == 0 ? $"deleted {settings.Namespace}/{victim["pod/".Length..]}" : $"could not delete {victim}: {output}");
        }
    }

    private async Task<(int ExitCode, string Output)> KubectlAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(settings.Kubectl) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("kubectl did not start");
        }
        catch (Win32Exception ex)
        {
            return (-1, $"cannot run {settings.Kubectl} ({ex.Message}); install kubectl and put it on PATH");
        }

        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(CommandTimeout);
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                cancellationToken.ThrowIfCancellationRequested();
                return (-1, $"kubectl did not finish within {CommandTimeout.TotalSeconds:0} s");
            }

            var text = process.ExitCode == 0 ? await output : await error;
            return (process.ExitCode, text.Trim());
        }
    }
}

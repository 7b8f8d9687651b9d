using System.Collections.Concurrent;
using FlashSale.LoadGen.Infrastructure;

namespace FlashSale.LoadGen.Tests;

/// <summary>The pod killer, with a stand-in kubectl (a shell script) that lists two pods and logs what it is asked to do.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KubectlChaosTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kubectl-").FullName;

    private string Calls => Path.Combine(_folder, "calls.log");

    [Fact]
    public async Task Every_interval_one_running_FlashSale_pod_is_deleted_and_logged()
    {
        var chaos = new KubectlChaos(new ChaosSettings(TimeSpan.FromMilliseconds(50), "shop", ChaosSettings.DefaultSelector) { Kubectl = StandInKubectl() });
        var kills = new ConcurrentQueue<string>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        Assert.Null(await chaos.ProblemAsync(TestContext.Current.CancellationToken));
        var running = chaos.RunAsync(kill =>
        {
            kills.Enqueue(kill);
            if (kills.Count == 2)
            {
                stop.Cancel();
            }
        }, stop.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        Assert.All(kills, kill => Assert.Contains(kill, new[] { "deleted shop/ordering-7d9f", "deleted shop/payment-5c2a" }));
        var calls = File.ReadAllLines(Calls);
        Assert.Contains($"get pods -n shop -l {ChaosSettings.DefaultSelector} --field-selector=status.phase=Running -o name", calls);
        Assert.Equal(2, calls.Count(call => call.StartsWith("delete pod/", StringComparison.Ordinal) && call.EndsWith(" -n shop --wait=false", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Without_kubectl_the_problem_is_named_before_anything_starts()
    {
        var chaos = new KubectlChaos(new ChaosSettings(TimeSpan.FromSeconds(30), "flashsale", ChaosSettings.DefaultSelector) { Kubectl = Path.Combine(_folder, "missing-kubectl") });

        var problem = await chaos.ProblemAsync(TestContext.Current.CancellationToken);

        Assert.StartsWith($"--chaos-kill-every needs kubectl: cannot run {_folder}/missing-kubectl (", problem, StringComparison.Ordinal);
        Assert.EndsWith("); install kubectl and put it on PATH", problem, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string StandInKubectl()
    {
        var script = Path.Combine(_folder, "kubectl");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            echo "$*" >> '{{Calls}}'
            case "$1" in
              get) printf 'pod/ordering-7d9f\npod/payment-5c2a\n' ;;
              delete) echo "$2 deleted" ;;
              version) echo 'Client Version: v1.34.0' ;;
            esac
            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }
}

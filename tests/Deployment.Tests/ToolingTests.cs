using System.Security.Cryptography;
using System.Text.RegularExpressions;
using FlashSale.Deployment.Tests.Support;

namespace FlashSale.Deployment.Tests;

/// <summary>
/// `make up` on a fresh machine: the installer's version and checksum table, the installer itself (offline, through a
/// file:// mirror), and `make smoke`'s argument handling. No cluster and no network needed.
/// </summary>
public sealed partial class ToolingTests : IDisposable
{
    private const string Installer = "scripts/install-tools.sh";
    private const string Smoke = "scripts/cluster-smoke.sh";
    private static readonly string[] Tools = ["kind", "kubectl", "helm", "skaffold"];

    private readonly string _scratch = Directory.CreateTempSubdirectory("flashsale-tools-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private sealed record Pin(string Tool, string Version, string Os, string Arch, string Sha256, string Member, string Url);

    private static IReadOnlyList<Pin> Pins => Lines("pin").Select(f => new Pin(f[1], f[2], f[3], f[4], f[5], f[6], f[7])).ToList();

    private static IReadOnlyDictionary<string, (Version Minimum, Version Below)> Ranges =>
        Lines("range").ToDictionary(f => f[1], f => (Version.Parse(f[2]), Version.Parse(f[3])));

    [Fact]
    public void The_table_pins_each_tool_once_per_platform_inside_its_range_with_a_sha256_of_the_official_download()
    {
        Assert.Equal(Tools.Order(StringComparer.Ordinal), Ranges.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Tools.Order(StringComparer.Ordinal), Pins.Select(p => p.Tool).Distinct().Order(StringComparer.Ordinal));
        Assert.All(Pins.GroupBy(p => (p.Tool, p.Os, p.Arch)), platform => Assert.Single(platform));
        foreach (var tool in Pins.GroupBy(p => p.Tool))
        {
            var version = Assert.Single(tool.Select(p => p.Version).Distinct());
            var (minimum, below) = Ranges[tool.Key];
            Assert.True(Version.Parse(version) >= minimum && Version.Parse(version) < below, $"{tool.Key} {version} is outside {minimum}..{below}");
            // CI machines and most laptops: Linux x86-64 must always be there.
            Assert.Contains(tool, p => p.Os == "linux" && p.Arch == "amd64");
        }

        Assert.All(Pins, pin =>
        {
            Assert.Matches("^[0-9a-f]{64}$", pin.Sha256);
            Assert.Contains(pin.Os, new[] { "linux", "darwin" });
            Assert.Contains(pin.Arch, new[] { "amd64", "arm64" });
            var url = new Uri(pin.Url);
            Assert.Equal("https", url.Scheme);
            Assert.Equal(OfficialHost[pin.Tool], url.Host);
            Assert.Contains($"v{pin.Version}", pin.Url, StringComparison.Ordinal);
            Assert.Contains(pin.Os, pin.Url, StringComparison.Ordinal);
            Assert.Contains(pin.Arch, pin.Url, StringComparison.Ordinal);
            Assert.True(pin.Member == "-" || pin.Url.EndsWith(".tar.gz", StringComparison.Ordinal), $"{pin.Url}: a member only for archives");
        });
    }

    [Fact]
    public void The_pinned_tools_fit_the_cluster_and_config_this_repository_uses()
    {
        var kubectl = Version.Parse(Pins.First(p => p.Tool == "kubectl").Version);
        var cluster = Version.Parse(Helm.KubeVersion);
        var skaffold = Version.Parse(Pins.First(p => p.Tool == "skaffold").Version);

        // kubectl supports one minor version either side of the API server (kind-cluster.yaml's node image).
        Assert.InRange(kubectl.Minor, cluster.Minor - 1, cluster.Minor + 1);
        Assert.InRange(Ranges["kubectl"].Minimum.Minor, cluster.Minor - 1, cluster.Minor);
        Assert.Equal("skaffold/v4beta13", (string?)Skaffold.Config["apiVersion"]);
        Assert.True(skaffold >= new Version(2, 16, 0), "skaffold.yaml's apiVersion needs skaffold 2.16 or later");
        var guide = Repository.Read("docs", "deployment.md");
        Assert.All(Pins.Select(p => (p.Tool, p.Version)).Distinct(), pin => Assert.Contains($"{pin.Tool} {pin.Version}", guide, StringComparison.Ordinal));
    }

    [Fact]
    public void The_installer_plans_the_pinned_downloads_offline()
    {
        var plan = Shell.Run(Installer, "--print-plan", "--os", "linux", "--arch", "amd64");

        Assert.True(plan.ExitCode == 0, plan.ToString());
        foreach (var pin in Pins.Where(p => p.Os == "linux" && p.Arch == "amd64"))
        {
            Assert.Contains($"{pin.Tool} {pin.Version} linux/amd64 {pin.Url} sha256:{pin.Sha256}", plan.Output, StringComparison.Ordinal);
        }

        var help = Shell.Run(Installer, "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Usage: scripts/install-tools.sh", help.Output, StringComparison.Ordinal);
        Assert.Equal(2, Shell.Run(Installer, "--no-such-option").ExitCode);
    }

    [Fact]
    public void The_installer_refuses_a_download_whose_checksum_differs_and_installs_nothing()
    {
        var pin = Pins.Single(p => p.Tool == "kind" && p.Os == "linux" && p.Arch == "amd64");
        var mirror = Directory.CreateDirectory(Path.Combine(_scratch, "mirror")).FullName;
        File.WriteAllText(Path.Combine(mirror, Path.GetFileName(pin.Url)), "#!/bin/sh\necho 'not kind'\n");

        var result = Shell.Run(Installer, ["--force", "--os", "linux", "--arch", "amd64", "kind"], Environment(mirror));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"checksum mismatch for kind {pin.Version}", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_scratch, "bin", "kind")), "a file that failed its checksum was installed");
    }

    [Fact]
    public void The_installer_installs_a_download_whose_checksum_matches_and_then_reuses_it()
    {
        // A table of our own (TOOLS_LOCK) pins a stand-in "kind" whose checksum we know.
        var mirror = Directory.CreateDirectory(Path.Combine(_scratch, "mirror")).FullName;
        var standIn = "#!/bin/sh\necho 'kind v0.30.0 go1.24.6 linux/amd64'\n";
        File.WriteAllText(Path.Combine(mirror, "kind-linux-amd64"), standIn);
        var sha = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(standIn)));
        var table = Path.Combine(_scratch, "tools.lock");
        File.WriteAllText(table, $"range kind 0.30.0 1.0.0\npin kind 0.30.0 linux amd64 {sha} - https://github.com/kubernetes-sigs/kind/releases/download/v0.30.0/kind-linux-amd64\n");
        var environment = new Dictionary<string, string>(Environment(mirror)) { ["TOOLS_LOCK"] = table };

        var first = Shell.Run(Installer, ["--os", "linux", "--arch", "amd64", "kind"], environment);
        var second = Shell.Run(Installer, ["--os", "linux", "--arch", "amd64", "kind"], environment);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("kind: 0.30.0 installed", first.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_scratch, "bin", "kind")));
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains($"kind: 0.30.0 ({Path.Combine(_scratch, "bin", "kind")})", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_installer_names_what_to_install_by_hand_on_a_platform_without_a_pin()
    {
        var result = Shell.Run(Installer, ["--force", "--os", "freebsd", "--arch", "riscv64", "kind"], Environment(_scratch));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("install kind >= 0.30.0", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_smoke_script_parses_explains_and_refuses_bad_arguments()
    {
        var syntax = Shell.Run("-n", Smoke);
        var help = Shell.Run(Smoke, "--help");
        var steps = Shell.Run(Smoke, "--list-steps");

        Assert.True(syntax.ExitCode == 0, syntax.ToString());
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Usage: scripts/cluster-smoke.sh", help.Output, StringComparison.Ordinal);
        Assert.All(new[] { "--url", "--context", "--timeout", "--canary", "--skip-dead-letters" }, option => Assert.Contains(option, help.Output, StringComparison.Ordinal));
        Assert.Equal(0, steps.ExitCode);
        Assert.Equal(7, steps.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.All(new[] { new[] { "--bogus" }, ["--timeout"], ["--timeout", "soon"], ["--url"] }, arguments =>
        {
            var refused = Shell.Run(Smoke, arguments);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("see --help", refused.Error, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void The_smoke_script_names_the_step_that_failed()
    {
        // Nothing listens on this port: the first step fails, by name, with exit code 1.
        var result = Shell.Run(Smoke, "--url", "http://127.0.0.1:9", "--no-canary");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAILED at step 'the ingress answers'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Make_up_and_make_smoke_run_the_scripts_and_the_readme_documents_them()
    {
        var makefile = Repository.Read("Makefile");
        var readme = Repository.Read("README.md").Split('\n');

        Assert.Matches(@"(?m)^up:.*\n\tscripts/cluster-up\.sh\s*$", makefile);
        Assert.Matches(@"(?m)^smoke:.*\n\tscripts/cluster-smoke\.sh\s*$", makefile);
        Assert.Contains("scripts/install-tools.sh", Repository.Read("scripts", "cluster-up.sh"), StringComparison.Ordinal);
        // The README's first lines: the two commands (in a code block), and make smoke beside make up.
        var commands = readme.SkipWhile(line => !line.StartsWith("```", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(line => !line.StartsWith("```", StringComparison.Ordinal)).Select(line => line.Split('#')[0].Trim()).ToList();
        Assert.Equal("make up", commands[0]);
        Assert.Equal("./tests/run.sh", commands[1]);
        Assert.Contains(readme, line => line.Contains("make smoke", StringComparison.Ordinal));
    }

    private IReadOnlyDictionary<string, string> Environment(string mirror) => new Dictionary<string, string>
    {
        ["TOOLS_MIRROR"] = new Uri(mirror).AbsoluteUri,
        ["TOOLS_BIN"] = Path.Combine(_scratch, "bin"),
        // No tool of this machine may stand in for the one under test.
        ["PATH"] = "/usr/bin:/bin",
    };

    private static readonly Dictionary<string, string> OfficialHost = new()
    {
        ["kind"] = "github.com",
        ["kubectl"] = "dl.k8s.io",
        ["helm"] = "get.helm.sh",
        ["skaffold"] = "storage.googleapis.com",
    };

    private static IEnumerable<string[]> Lines(string type) => Repository.Read("scripts", "tools.lock").Split('\n')
        .Select(line => Whitespace().Split(line.Trim()))
        .Where(fields => fields[0] == type);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

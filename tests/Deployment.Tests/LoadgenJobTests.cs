using System.Text.Json.Nodes;
using FlashSale.Deployment.Tests.Support;

namespace FlashSale.Deployment.Tests;

/// <summary>
/// loadgen as the chart's optional Job (values <c>loadgen</c>) and <c>make load</c>, which turns it on for one run:
/// off by default, and when on a valid, hardened Job that sells through the cluster's ingress and ends when loadgen does.
/// </summary>
public sealed class LoadgenJobTests
{
    private const string Load = "scripts/cluster-load.sh";

    [Theory]
    [MemberData(nameof(Profiles))]
    public void No_profile_runs_a_sale_unless_asked(string chart, string profile)
    {
        Assert.DoesNotContain(Chart.Named(chart).Render(profile), manifest => manifest.Kind == "Job" && manifest.Name == "loadgen");
    }

    public static TheoryData<string, string> Profiles => Chart.Profiles;

    [Fact]
    public void Turned_on_it_is_a_valid_hardened_job_that_sells_through_the_ingress_and_completes()
    {
        var job = Enabled().Single("Job", "loadgen");
        var loadgen = Assert.Single(job.Containers);
        var arguments = loadgen["args"]!.AsArray().Select(argument => (string)argument!).ToList();
        var values = Chart.App.DefaultValues["loadgen"]!;

        Assert.Empty(SchemaCatalog.Require().Validate(job.Document));
        Assert.Equal("flashsale/loadgen:" + (string)Yaml.ParseFile(Chart.App.Directory, "Chart.yaml")["appVersion"]!, (string?)loadgen["image"]);
        // Through the ingress, as buyers come, with the chart's sale after loadgen's fixed options.
        Assert.Equal(["--gateway", (string)values["gateway"]!, "--plain", "--report", "/tmp/loadgen-report.json"], arguments.Take(5));
        Assert.Equal(values["args"]!.AsArray().Select(argument => (string)argument!), arguments.Skip(5));
        Assert.StartsWith("http://istio-ingressgateway.istio-ingress.svc.", arguments[1], StringComparison.Ordinal);
        // A sidecar would keep the pod (and the Job) running after loadgen exits; a failed sale is not retried.
        Assert.Equal("false", job.PodLabels["sidecar.istio.io/inject"]);
        Assert.Equal("Never", (string?)job.PodTemplate["spec"]!["restartPolicy"]);
        Assert.Equal(0, (int?)job.Spec!["backoffLimit"]);
        Assert.Equal("before-hook-creation", (string?)job.Document["metadata"]!["annotations"]!["helm.sh/hook-delete-policy"]);
        Assert.Equal(true, (bool?)loadgen["securityContext"]!["readOnlyRootFilesystem"]);
        Assert.Equal(true, (bool?)loadgen["securityContext"]!["runAsNonRoot"]);
        Assert.NotNull(loadgen["resources"]!["requests"]!["cpu"]);
        Assert.Null(loadgen["env"]);
    }

    [Fact]
    public void The_admin_password_comes_from_a_secret_when_one_is_named()
    {
        var loadgen = Assert.Single(Enabled("--set", "loadgen.adminPasswordSecret=sale-admin").Single("Job", "loadgen").Containers);

        var password = Assert.Single(loadgen["env"]!.AsArray().OfType<JsonObject>());
        Assert.Equal("LOADGEN_ADMIN_PASSWORD", (string?)password["name"]);
        Assert.Equal(("sale-admin", "password"),
            ((string?)password["valueFrom"]!["secretKeyRef"]!["name"], (string?)password["valueFrom"]!["secretKeyRef"]!["key"]));
    }

    [Fact]
    public void Skaffold_sets_the_image_it_builds_for_the_job()
    {
        var skaffold = Repository.Read("skaffold.yaml");

        Assert.Contains("loadgen.image.repository: \"{{.IMAGE_REPO_flashsale_loadgen}}\"", skaffold, StringComparison.Ordinal);
        Assert.Contains("loadgen.image.tag: \"{{.IMAGE_TAG_flashsale_loadgen}}\"", skaffold, StringComparison.Ordinal);
    }

    [Fact]
    public void Make_load_runs_the_script_which_parses_explains_and_refuses_bad_arguments()
    {
        var syntax = Shell.Run("-n", Load);
        var help = Shell.Run(Load, "--help");

        Assert.Matches(@"(?m)^load:.*\n\tscripts/cluster-load\.sh", Repository.Read("Makefile"));
        Assert.True(syntax.ExitCode == 0, syntax.ToString());
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Usage: scripts/cluster-load.sh", help.Output, StringComparison.Ordinal);
        Assert.All(new[] { new[] { "--bogus" }, ["--context"], ["--timeout"] }, arguments =>
        {
            var refused = Shell.Run(Load, arguments);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("see --help", refused.Error, StringComparison.Ordinal);
        });
    }

    private static IReadOnlyList<Manifest> Enabled(params string[] more) =>
        Helm.Template(Chart.App, Chart.DefaultProfile, ["--set", "loadgen.enabled=true", .. more]).Manifests();
}

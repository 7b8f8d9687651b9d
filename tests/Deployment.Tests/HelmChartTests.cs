using FlashSale.Deployment.Tests.Support;

namespace FlashSale.Deployment.Tests;

public sealed class HelmChartTests
{
    public static TheoryData<string, string> Profiles => Chart.Profiles;

    public static TheoryData<string> Charts => new(Chart.All.Select(chart => chart.Name));

    // Profiles are covered by rendering them (below and in every other test); lint checks the chart itself.
    [Theory]
    [MemberData(nameof(Charts))]
    public void Chart_lints_clean_in_strict_mode(string chart)
    {
        var lint = Helm.Run("lint", "--strict", Chart.Named(chart).Directory);

        Assert.True(lint.ExitCode == 0, $"helm lint --strict failed:\n{lint.Output}\n{lint.Error}");
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Chart_renders_for_kubernetes_1_34(string chart, string profile)
    {
        var manifests = Chart.Named(chart).Render(profile);

        Assert.NotEmpty(manifests);
        Assert.All(manifests, m => Assert.False(string.IsNullOrEmpty(m.Kind) || string.IsNullOrEmpty(m.Name), $"unnamed document {m}"));
        var duplicates = manifests.GroupBy(m => (m.Kind, m.Name, m.Namespace)).Where(g => g.Count() > 1).Select(g => g.Key);
        Assert.Empty(duplicates);
    }

    [Fact]
    public void The_app_chart_has_the_canary_chaos_and_production_profiles()
    {
        Assert.Superset(new HashSet<string> { "canary", "chaos", "production" }, Chart.App.ProfileNames.ToHashSet());
        Assert.Contains("production", Chart.Infra.ProfileNames);
    }
}

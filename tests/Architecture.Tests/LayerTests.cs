using NetArchTest.Rules;

namespace FlashSale.Architecture.Tests;

/// <summary>
/// The domain boundary, enforced: Domain and Application code know nothing of HTTP, ASP.NET Core, Dapr or gRPC; the
/// Api maps their results to HTTP and Infrastructure talks to the sidecar. Domain code depends on no other layer.
/// </summary>
public sealed class LayerTests
{
    private static readonly string[] Platforms = ["Microsoft.AspNetCore", "Dapr", "Grpc", "Google.Protobuf", "System.Net.Http"];

    [Theory]
    [MemberData(nameof(ServiceProject.Folders), MemberType = typeof(ServiceProject))]
    public void Domain_code_uses_no_web_platform_or_serialization_types_and_no_other_layer(string folder)
    {
        var service = ServiceProject.Named(folder);
        AssertNoDependency(service, "Domain",
        [
            .. Platforms, "System.Text.Json", "FlashSale.Messaging", "FlashSale.Sidecar", "FlashSale.ServiceDefaults",
            $"{service.RootNamespace}.Api", $"{service.RootNamespace}.Application", $"{service.RootNamespace}.Infrastructure",
        ]);
    }

    [Theory]
    [MemberData(nameof(ServiceProject.Folders), MemberType = typeof(ServiceProject))]
    public void Application_code_uses_no_web_or_platform_types_and_not_the_api(string folder)
    {
        var service = ServiceProject.Named(folder);
        AssertNoDependency(service, "Application", [.. Platforms, "FlashSale.Sidecar", $"{service.RootNamespace}.Api"]);
    }

    [Fact]
    public void The_rule_fails_on_a_type_that_breaks_it()
    {
        // The check itself must be able to fail: Infrastructure code does use Dapr.
        var result = Types.InAssembly(ServiceProject.Named("ordering").Assembly)
            .That().ResideInNamespace("FlashSale.Ordering.Infrastructure")
            .ShouldNot().HaveDependencyOnAny("Dapr")
            .GetResult();
        Assert.False(result.IsSuccessful);
    }

    private static void AssertNoDependency(ServiceProject service, string layer, string[] forbidden)
    {
        var result = Types.InAssembly(service.Assembly)
            .That().ResideInNamespace($"{service.RootNamespace}.{layer}")
            .ShouldNot().HaveDependencyOnAny(forbidden)
            .GetResult();
        Assert.True(result.IsSuccessful,
            $"{service.Folder}/{layer} depends on one of [{string.Join(", ", forbidden)}]: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }
}

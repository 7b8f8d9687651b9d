using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Routing;

namespace FlashSale.Architecture.Tests;

/// <summary>One vocabulary in every service: the same folders, one naming pattern for endpoints and for the marker type.</summary>
public sealed class VocabularyTests
{
    private static readonly string[] Layers = ["Api", "Application", "Domain", "Infrastructure"];
    private static readonly string[] BuildFolders = ["bin", "obj", "Properties"];

    [Theory]
    [MemberData(nameof(ServiceProject.Folders), MemberType = typeof(ServiceProject))]
    public void A_service_has_only_the_four_layer_folders(string folder)
    {
        var service = ServiceProject.Named(folder);
        var others = Directory.EnumerateDirectories(service.FolderPath)
            .Select(Path.GetFileName)
            .Where(name => !Layers.Contains(name) && !BuildFolders.Contains(name))
            .ToList();
        Assert.True(others.Count == 0, $"services/{folder} has folders outside Api/Application/Domain/Infrastructure: {string.Join(", ", others)}");
    }

    [Theory]
    [MemberData(nameof(ServiceProject.Folders), MemberType = typeof(ServiceProject))]
    public void Every_type_lives_in_the_root_namespace_or_a_layer(string folder)
    {
        var service = ServiceProject.Named(folder);
        var allowed = Layers.Select(layer => $"{service.RootNamespace}.{layer}").ToList();
        var strays = OwnTypes(service)
            .Where(type => type.Namespace != service.RootNamespace && !allowed.Any(layer => type.Namespace == layer || type.Namespace!.StartsWith(layer + ".", StringComparison.Ordinal)))
            .Select(type => type.FullName)
            .ToList();
        Assert.True(strays.Count == 0, $"{folder}: types outside the layers: {string.Join(", ", strays)}");
    }

    [Theory]
    [MemberData(nameof(ServiceProject.Folders), MemberType = typeof(ServiceProject))]
    public void Endpoint_classes_are_named_after_their_resource_and_map_themselves(string folder)
    {
        var service = ServiceProject.Named(folder);
        var mappers = OwnTypes(service)
            .Where(type => type is { IsAbstract: true, IsSealed: true })
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Static)
                .Where(method => method.IsDefined(typeof(ExtensionAttribute)) && method.GetParameters()[0].ParameterType == typeof(IEndpointRouteBuilder))
                .Select(method => (Type: type, Method: method)))
            .ToList();
        Assert.All(mappers, mapper =>
        {
            Assert.EndsWith("Endpoints", mapper.Type.Name, StringComparison.Ordinal);
            Assert.Equal($"{service.RootNamespace}.Api", mapper.Type.Namespace);
            Assert.Equal("Map" + mapper.Type.Name, mapper.Method.Name);
        });
    }

    [Theory]
    [MemberData(nameof(ServiceProject.Folders), MemberType = typeof(ServiceProject))]
    public void The_assembly_marker_is_named_after_the_service_and_cannot_be_instantiated(string folder)
    {
        var service = ServiceProject.Named(folder);
        var marker = Assert.Single(OwnTypes(service), type => type.Name.EndsWith("AssemblyMarker", StringComparison.Ordinal));
        Assert.Equal(service.RootNamespace, marker.Namespace);
        Assert.Equal(service.RootNamespace.Split('.')[^1] + "AssemblyMarker", marker.Name);
        Assert.True(marker.IsSealed);
        Assert.Empty(marker.GetConstructors());
        Assert.Empty(marker.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly));
    }

    [Theory]
    [MemberData(nameof(ServiceProject.Folders), MemberType = typeof(ServiceProject))]
    public void Program_reads_as_a_table_of_contents_and_the_service_has_a_readme(string folder)
    {
        var service = ServiceProject.Named(folder);
        var lines = File.ReadAllLines(Path.Combine(service.FolderPath, "Program.cs")).Count(line => line.Trim().Length > 0);
        Assert.InRange(lines, 1, 30);
        var readme = Path.Combine(service.FolderPath, "README.md");
        Assert.True(File.Exists(readme), $"services/{folder} has no README.md");
        Assert.Contains($"# {folder}", File.ReadAllText(readme), StringComparison.Ordinal);
    }

    private static IEnumerable<Type> OwnTypes(ServiceProject service) => service.Assembly.GetTypes()
        .Where(type => type.Namespace is not null && !type.IsDefined(typeof(CompilerGeneratedAttribute)) && !type.IsNested)
        // Code generated from another service's contract (ordering's client of catalog's pricing.proto) is that service's.
        .Where(type => type.Namespace == service.RootNamespace || type.Namespace!.StartsWith(service.RootNamespace + ".", StringComparison.Ordinal));
}

using System.Reflection;
using System.Xml.Linq;

namespace FlashSale.Architecture.Tests;

/// <summary>
/// The deployable services as the repository holds them: a folder under services/ with a Program.cs, its assembly and
/// its root namespace (the project's <c>AssemblyName</c> and <c>RootNamespace</c>, else the project file's name).
/// </summary>
public sealed record ServiceProject(string Folder, string AssemblyName, string RootNamespace)
{
    public static IReadOnlyList<ServiceProject> All { get; } = Directory
        .EnumerateDirectories(Repository.PathOf("services"))
        .Where(folder => File.Exists(Path.Combine(folder, "Program.cs")))
        .Select(Read)
        .OrderBy(service => service.Folder, StringComparer.Ordinal)
        .ToList();

    public static TheoryData<string> Folders => [.. All.Select(service => service.Folder)];

    public static ServiceProject Named(string folder) => All.Single(service => service.Folder == folder);

    public string FolderPath => Repository.PathOf("services", Folder);

    public Assembly Assembly => Assembly.Load(AssemblyName);

    public bool IsWebProject => XDocument.Load(Directory.EnumerateFiles(FolderPath, "*.csproj").Single())
        .Root!.Attribute("Sdk")!.Value == "Microsoft.NET.Sdk.Web";

    public override string ToString() => Folder;

    private static ServiceProject Read(string folder)
    {
        var project = Directory.EnumerateFiles(folder, "*.csproj").Single();
        var properties = XDocument.Load(project).Root!.Elements("PropertyGroup").Elements().ToList();
        string Property(string name) =>
            properties.LastOrDefault(element => element.Name.LocalName == name)?.Value ?? Path.GetFileNameWithoutExtension(project);
        return new ServiceProject(Path.GetFileName(folder), Property("AssemblyName"), Property("RootNamespace"));
    }
}

public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Services.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Services.sln above {AppContext.BaseDirectory}");
    }
}

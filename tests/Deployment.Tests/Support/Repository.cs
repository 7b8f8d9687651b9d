namespace FlashSale.Deployment.Tests.Support;

/// <summary>Paths inside the repository, found from the test assembly's location (the folder holding Services.sln).</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));

    /// <summary>Where the offline schemas live: $K8S_SCHEMAS_DIR, else ../shared/k8s-schemas next to the repository.</summary>
    public static string SchemasDirectory =>
        Environment.GetEnvironmentVariable("K8S_SCHEMAS_DIR") is { Length: > 0 } configured
            ? Path.GetFullPath(configured, Root)
            : Path.GetFullPath(Path.Combine(Root, "..", "shared", "k8s-schemas"));

    /// <summary>The deployable services: folders under services/ with a web project (not ServiceDefaults or Contracts).</summary>
    public static IReadOnlyList<string> ServiceFolders { get; } = Directory
        .EnumerateDirectories(PathOf("services"))
        .Where(folder => Directory.EnumerateFiles(folder, "*.csproj")
            .Any(project => File.ReadAllText(project).Contains("Sdk=\"Microsoft.NET.Sdk.Web\"", StringComparison.Ordinal)))
        .Select(Path.GetFileName)
        .OfType<string>()
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>C# sources of one project folder under services/, without build output.</summary>
    public static IEnumerable<string> SourceFiles(string serviceFolder) => Directory
        .EnumerateFiles(PathOf("services", serviceFolder), "*.cs", SearchOption.AllDirectories)
        .Where(file => !IsBuildOutput(file));

    private static bool IsBuildOutput(string file)
    {
        var separator = Path.DirectorySeparatorChar;
        return file.Contains($"{separator}bin{separator}", StringComparison.Ordinal)
            || file.Contains($"{separator}obj{separator}", StringComparison.Ordinal);
    }

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

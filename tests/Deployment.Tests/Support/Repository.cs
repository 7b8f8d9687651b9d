namespace FlashSale.Deployment.Tests.Support;

/// <summary>Paths inside the repository, found from the test assembly's location (the folder holding Services.sln).</summary>
/// <summary>How an image runs: a web service (probes, SIGTERM drain) or a console tool.</summary>
public enum ImageKind
{
    Web,
    Console,
}

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
    public static IReadOnlyList<string> ServiceFolders => ImageProjectsOf(ImageKind.Web);

    /// <summary>Folders under services/ whose project ships as an image built by services/Dockerfile: web services and
    /// console tools (OutputType Exe). Libraries (ServiceDefaults, Contracts, Messaging) do not.</summary>
    public static IReadOnlyDictionary<string, ImageKind> ImageProjects { get; } = Directory
        .EnumerateDirectories(PathOf("services"))
        .Select(folder => (Name: Path.GetFileName(folder), Project: Directory.EnumerateFiles(folder, "*.csproj").SingleOrDefault()))
        .Where(entry => entry.Project is not null && KindOf(File.ReadAllText(entry.Project)) is not null)
        .ToDictionary(entry => entry.Name, entry => KindOf(File.ReadAllText(entry.Project!))!.Value);

    /// <summary>The one project file of a folder under services/.</summary>
    public static string ProjectOf(string serviceFolder) =>
        Directory.EnumerateFiles(PathOf("services", serviceFolder), "*.csproj").Single();

    private static IReadOnlyList<string> ImageProjectsOf(ImageKind kind) =>
        ImageProjects.Where(pair => pair.Value == kind).Select(pair => pair.Key).Order(StringComparer.Ordinal).ToList();

    private static ImageKind? KindOf(string project) =>
        project.Contains("Sdk=\"Microsoft.NET.Sdk.Web\"", StringComparison.Ordinal) ? ImageKind.Web
        : System.Text.RegularExpressions.Regex.IsMatch(project, @"<OutputType>\s*Exe\s*</OutputType>") ? ImageKind.Console
        : null;

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

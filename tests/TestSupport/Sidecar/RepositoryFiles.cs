namespace FlashSale.TestSupport.Sidecar;

/// <summary>The repository's own files (components, charts), found by walking up from the test binaries to Services.sln.</summary>
internal static class RepositoryFiles
{
    private static readonly Lazy<string> RootDirectory = new(FindRoot);

    public static string Root => RootDirectory.Value;

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

        throw new DirectoryNotFoundException($"No Services.sln above {AppContext.BaseDirectory}");
    }
}

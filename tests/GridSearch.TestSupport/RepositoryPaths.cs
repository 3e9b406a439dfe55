namespace GridSearch.TestSupport;

/// <summary>Finds the repository and the built tool from a test's output folder.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    /// <summary>
    /// The gridsearch tool built in the same configuration as the tests, or the assembly GRIDSEARCH_CLI names (the
    /// benchmarks point it at the tool the launcher script publishes, which is what users run).
    /// </summary>
    public static string CliAssembly => System.Environment.GetEnvironmentVariable("GRIDSEARCH_CLI") is { Length: > 0 } cli
        ? cli
        : Path.Combine(Root, "src", "Client", "GridSearch.Client", "bin", Configuration, "net10.0", "gridsearch.dll");

    /// <summary>The real photo set shipped beside the repository, when present.</summary>
    public static string CatDog => Path.GetFullPath(Path.Combine(Root, "..", "shared", "datasets", "cat_dog"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GridSearch.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No GridSearch.sln above {AppContext.BaseDirectory}.");
    }
}

namespace GridSearch.Training.Data;

/// <summary>Where decoded data sets are cached unless the user says otherwise.</summary>
public static class CacheLocation
{
    public const string EnvironmentVariable = "GRIDSEARCH_CACHE_DIR";

    /// <summary>GRIDSEARCH_CACHE_DIR, else $XDG_CACHE_HOME/gridsearch, else ~/.cache/gridsearch.</summary>
    public static string Default()
    {
        string? configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string baseDirectory = !string.IsNullOrWhiteSpace(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(baseDirectory, "gridsearch");
    }
}

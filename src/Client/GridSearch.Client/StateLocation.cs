namespace GridSearch.Client;

/// <summary>Where embedded mode keeps its durable state unless told otherwise.</summary>
public static class StateLocation
{
    public const string EnvironmentVariable = "GRIDSEARCH_STATE_DIR";

    /// <summary>--state, else GRIDSEARCH_STATE_DIR, else $XDG_DATA_HOME/gridsearch, else ~/.local/share/gridsearch.</summary>
    public static string Resolve(string? option)
    {
        if (!string.IsNullOrWhiteSpace(option))
        {
            return Path.GetFullPath(option);
        }

        string? configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        string? xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        string baseDirectory = !string.IsNullOrWhiteSpace(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(baseDirectory, "gridsearch");
    }
}

using GridSearch.Training.Data;

namespace GridSearch.Grains.Execution;

/// <summary>A trainer silo reads data sets only under its configured roots; clients never ship data.</summary>
public static class DataRootPolicy
{
    /// <exception cref="DataProblemException">The path is outside every allowed root.</exception>
    public static void Check(string requested, IReadOnlyCollection<string> allowedRoots)
    {
        if (allowedRoots.Count == 0)
        {
            return;
        }

        string full = Normalise(requested);
        if (allowedRoots.Select(Normalise).Any(root => full == root || full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            return;
        }

        throw new DataProblemException(
            $"Data root '{requested}' is outside this silo's data roots ({string.Join(", ", allowedRoots)}). Ask for a data set " +
            "under one of them, or add its folder to GridSearch:Trainer:DataRoots on the trainer silos.");
    }

    private static string Normalise(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
}

using GridSearch.Abstractions;
using GridSearch.Training.Data;
using GridSearch.Training.IO;

namespace GridSearch.Trainer.Execution;

/// <summary>
/// A trainer silo reads data sets only under its configured roots; clients never ship data. Paths are compared after
/// resolving links and <c>..</c>, so a link inside a root cannot lead out of it, and <c>/</c> as a root allows any path.
/// </summary>
public static class DataRootPolicy
{
    /// <exception cref="DataProblemException">The path is outside every allowed root.</exception>
    public static void Check(string requested, IReadOnlyCollection<string> allowedRoots)
    {
        if (allowedRoots.Count == 0)
        {
            return;
        }

        // A path that does not exist cannot be resolved; the scan that follows reports it missing, in the roots' terms.
        string resolved = RealPath.TryResolve(requested) ?? Path.TrimEndingDirectorySeparator(Path.GetFullPath(requested));
        if (allowedRoots.Any(root => RealPath.IsWithin(resolved,
                RealPath.TryResolve(root) ?? Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)))))
        {
            return;
        }

        throw new DataProblemException(
            $"Data root '{requested}' is outside this silo's data roots ({string.Join(", ", allowedRoots)}). Ask for a data set " +
            "under one of them, or add its folder to GridSearch:Trainer:DataRoots on the trainer silos.");
    }
}

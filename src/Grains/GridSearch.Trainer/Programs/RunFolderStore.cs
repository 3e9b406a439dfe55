using System.Globalization;
using GridSearch.Abstractions;
using GridSearch.Trainer.Execution;
using Microsoft.Extensions.Options;

namespace GridSearch.Trainer.Programs;

/// <summary>
/// Where the copies of programs' run folders taken at each report are kept, so a retry, a resume or another trainer
/// continues from the last reported epoch. By default a copy is an archive inside the run's checkpoint, in the durable
/// store, up to <see cref="TrainerSiloOptions.MaxRunFolderBytes"/>. With <see cref="TrainerSiloOptions.RunFolderStore"/>
/// (a volume every trainer mounts at the same path: a Kubernetes PersistentVolumeClaim, an NFS share) copies are
/// folders there instead, <c>STORE/SWEEP/RUN/epoch-N</c>, up to <see cref="TrainerSiloOptions.MaxSharedRunFolderBytes"/>,
/// and the checkpoint holds none: a checkpoint of a program's run with epochs and no archive means its copies are on
/// the shared volume.
/// </summary>
public sealed class RunFolderStore(IOptions<TrainerSiloOptions> options)
{
    private const string EpochPrefix = "epoch-";

    private string? SharedRoot => string.IsNullOrWhiteSpace(options.Value.RunFolderStore) ? null : options.Value.RunFolderStore;

    /// <summary>
    /// Keeps a copy of the folder as the report of <paramref name="epoch"/> left it: the archive for the checkpoint, or
    /// null when the copy went to the shared volume.
    /// </summary>
    public byte[]? Save(RunFolder folder, string sweepId, string runId, int epoch)
    {
        if (SharedRoot is null)
        {
            return folder.Archive(options.Value.MaxRunFolderBytes, "GridSearch:Trainer:MaxRunFolderBytes",
                "or give the trainers a shared volume for run folders (GridSearch:Trainer:RunFolderStore)");
        }

        string copy = EpochCopy(sweepId, runId, epoch);
        folder.CopyTo(copy, options.Value.MaxSharedRunFolderBytes, "GridSearch:Trainer:MaxSharedRunFolderBytes");
        return null;
    }

    /// <summary>Fills the folder with the copy taken after <paramref name="epoch"/> (epoch 0: an empty folder).</summary>
    public void Restore(RunFolder folder, string sweepId, string runId, RunCheckpoint? checkpoint, int epoch)
    {
        if (epoch == 0 || checkpoint is null)
        {
            folder.Restore(null);
            return;
        }

        if (checkpoint.FolderAfter(epoch) is { } archive)
        {
            folder.Restore(archive);
            return;
        }

        if (SharedRoot is null)
        {
            throw new InvalidOperationException(
                $"run {runId} keeps its run folder on a shared volume for run folders, and this trainer has none: give every trainer " +
                "the same volume at the same path (GridSearch:Trainer:RunFolderStore)");
        }

        string copy = EpochCopy(sweepId, runId, epoch);
        if (!Directory.Exists(copy))
        {
            throw new InvalidOperationException(
                $"the copy of run {runId}'s folder after epoch {epoch} is missing from the shared volume ({copy}): is " +
                "GridSearch:Trainer:RunFolderStore the same volume on every trainer?");
        }

        folder.RestoreFrom(copy);
    }

    /// <summary>
    /// Removes the shared copies of a run other than those of <paramref name="keep"/>; nothing to do when copies live
    /// in checkpoints.
    /// </summary>
    public void Prune(string sweepId, string runId, IReadOnlyCollection<int> keep)
    {
        if (SharedRoot is null || !Directory.Exists(RunCopies(sweepId, runId)))
        {
            return;
        }

        foreach (string copy in Directory.EnumerateDirectories(RunCopies(sweepId, runId), EpochPrefix + "*"))
        {
            if (int.TryParse(Path.GetFileName(copy)[EpochPrefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int epoch) && !keep.Contains(epoch))
            {
                Directory.Delete(copy, recursive: true);
            }
        }
    }

    /// <summary>
    /// Population-based training: the donor run's shared copy after <paramref name="epoch"/> becomes the recipient's
    /// (whole or not at all); nothing to do when copies live in checkpoints.
    /// </summary>
    public void Adopt(string sweepId, string donorRunId, string runId, int epoch)
    {
        if (SharedRoot is null)
        {
            return;
        }

        string donorCopy = EpochCopy(sweepId, donorRunId, epoch);
        if (!Directory.Exists(donorCopy))
        {
            throw new InvalidOperationException(
                $"the copy of run {donorRunId}'s folder after epoch {epoch} is missing from the shared volume ({donorCopy}), so run " +
                $"{runId} cannot go on from it: is GridSearch:Trainer:RunFolderStore the same volume on every trainer?");
        }

        new RunFolder(donorCopy).CopyTo(EpochCopy(sweepId, runId, epoch), options.Value.MaxSharedRunFolderBytes,
            "GridSearch:Trainer:MaxSharedRunFolderBytes");
    }

    /// <summary>Removes every shared copy of a run (its sweep finished or was deleted), and the sweep's folder once empty.</summary>
    public void Forget(string sweepId, string runId)
    {
        if (SharedRoot is null)
        {
            return;
        }

        RunFolder.DeleteWithEmptyParent(RunCopies(sweepId, runId));
    }

    private string RunCopies(string sweepId, string runId) =>
        Path.Combine(SharedRoot!, RunFolder.Sanitized(sweepId), RunFolder.Sanitized(runId));

    private string EpochCopy(string sweepId, string runId, int epoch) =>
        Path.Combine(RunCopies(sweepId, runId), EpochPrefix + epoch.ToString(CultureInfo.InvariantCulture));
}

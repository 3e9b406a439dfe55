using GridSearch.Abstractions;

namespace GridSearch.Trainer.Execution;

/// <summary>One run of a fused group on its trainer slot: its row, its assignment, where it resumes, where it reports.</summary>
public sealed record FusedLaneWork(int Row, RunAssignment Assignment, RunCheckpoint? Start, IFusedLaneProgress Progress)
{
    /// <summary>
    /// Trains the lanes one after another (for trainers without fused training): each lane's failure is its own,
    /// while cancellation, a draining silo and lost reports end them all.
    /// </summary>
    public static void TrainOneByOne(IRunTrainer runner, IReadOnlyList<FusedLaneWork> lanes, CancellationToken cancellation)
    {
        foreach (var lane in lanes.Where(l => l.Progress.Wanted))
        {
            try
            {
                runner.Train(lane.Assignment, lane.Start, lane.Progress, cancellation);
            }
            catch (Exception error) when (lane.Progress.IsOwnFailure(error, cancellation))
            {
                lane.Progress.Failed(error);
            }
        }
    }
}

/// <summary>Where one run of a fused group reports; called on the slot's thread.</summary>
public interface IFusedLaneProgress : IRunProgress
{
    /// <summary>False once the run was cancelled or stopped: it leaves the group at the next batch.</summary>
    bool Wanted { get; }

    /// <summary>The run failed on its own (it diverged, say); the group goes on without it.</summary>
    void Failed(Exception error);

    /// <summary>Whether an error ends this run alone, rather than the whole group (cancellation, draining, lost reports).</summary>
    bool IsOwnFailure(Exception error, CancellationToken cancellation);
}

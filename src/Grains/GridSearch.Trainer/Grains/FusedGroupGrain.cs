using GridSearch.Grains.Diagnostics;
using GridSearch.Abstractions;
using GridSearch.Trainer.Metrics;
using GridSearch.Trainer.Execution;
using GridSearch.Grains.Metrics;
using GridSearch.Grains.Placement;

namespace GridSearch.Trainer.Grains;

/// <inheritdoc cref="IFusedGroupGrain"/>
[TrainerOnly, GrainType("fused")]
public sealed class FusedGroupGrain(
    RunExecutor executor,
    FusedJobs jobs,
    IRunTrainer runner,
    IGrainFactory grains,
    TrainerMetrics metrics,
    ILocalSiloDetails silo,
    IHoldPoints holds) : SlotWorkGrain(executor, silo), IFusedGroupGrain
{
    private string GroupKey => this.GetPrimaryKeyString();

    public async Task<TrainerLocation> StartAsync(FusedAssignment assignment)
    {
        ThrowIfDraining();

        if (Executor.IsActive(GroupKey, assignment.Attempt))
        {
            return Location; // already queued or running here: a repeated dispatch changes nothing
        }

        // Each run's checkpoint lives with its own grain (read in parallel); a damaged one fails the start, naming it.
        var checkpoints = await Task.WhenAll(assignment.Lanes.Select(lane =>
            grains.GetGrain<IRunGrain>(TrainerGrainKeys.Run(assignment.SweepId, lane.Run.RunId)).ReadCheckpointAsync()));
        var runs = assignment.Lanes.Select((lane, i) =>
            new RunJob(lane.Run, checkpoints[i], runner, grains, metrics, () => Executor.Draining, Location, holds)).ToList();
        var job = new FusedJob(assignment, runs, runner);
        string key = GroupKey;
        jobs.Add(key, job);
        Executor.Submit(key, assignment.Attempt, async cancellation =>
        {
            try
            {
                await job.Run(cancellation);
            }
            finally
            {
                jobs.Remove(key, job);
            }
        }, () => job.RunsInFlight);
        return Location;
    }

    public Task CancelRunAsync(string runId)
    {
        if (jobs.Find(GroupKey) is { } job && job.Cancel(runId))
        {
            Executor.Cancel(GroupKey); // no run of the group is left to train
        }

        return Task.CompletedTask;
    }

    public Task<bool> IsRunningAsync(string runId, int attempt) =>
        Task.FromResult(jobs.Find(GroupKey) is { } job && Executor.IsActive(GroupKey, job.Attempt) && job.Trains(runId, attempt));
}

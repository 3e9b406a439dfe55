using GridSearch.Grains.Execution;
using GridSearch.Grains.Metrics;
using GridSearch.Grains.Placement;
using Orleans.Runtime.Placement;

namespace GridSearch.Grains.Trials;

/// <summary>Checkpoint storage of a trial grain.</summary>
[GenerateSerializer, Alias("gridsearch.TrialCheckpointState")]
public sealed class TrialCheckpointState
{
    [Id(0)] public TrialCheckpoint? Checkpoint { get; set; }
}

/// <inheritdoc cref="ITrialGrain"/>
[TrainerOnly]
public sealed class TrialGrain(
    [PersistentState("checkpoint", GridSearchStorage.Name)] IPersistentState<TrialCheckpointState> state,
    TrialExecutor executor,
    ITrialRunner runner,
    IGrainFactory grains,
    GridSearchMetrics metrics,
    ILocalSiloDetails silo) : Grain, ITrialGrain
{
    public static string Key(string sweepId, string runId) => $"{sweepId}/{runId}";

    public Task<TrainerLocation> StartAsync(TrialAssignment assignment)
    {
        if (executor.Draining)
        {
            // Callers' directory caches keep sending this run here while the silo drains, so the grain moves: to the
            // trainer the request's placement hint names, or, when the hint names this silo, wherever placement
            // (which leaves a draining trainer out) puts it.
            if (RequestContext.Get(IPlacementDirector.PlacementHintKey) is SiloAddress hint && hint.Equals(silo.SiloAddress))
            {
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
            }

            MigrateOnIdle();
            throw new SiloDrainingException { Silo = silo.SiloAddress.ToParsableString() };
        }

        if (executor.IsActive(this.GetPrimaryKeyString(), assignment.Attempt))
        {
            return Task.FromResult(Location); // already queued or running here: a repeated dispatch changes nothing
        }

        var job = new TrialJob(assignment, state.State.Checkpoint, runner, grains, metrics, () => executor.Draining);
        executor.Submit(this.GetPrimaryKeyString(), assignment.Attempt, job.Run);
        return Task.FromResult(Location);
    }

    private TrainerLocation Location => new(silo.Name, silo.SiloAddress.ToParsableString());

    public Task<bool> IsRunningAsync(int attempt) => Task.FromResult(executor.IsActive(this.GetPrimaryKeyString(), attempt));

    public Task CancelAsync()
    {
        executor.Cancel(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public async Task SaveCheckpointAsync(TrialCheckpoint checkpoint)
    {
        state.State.Checkpoint = checkpoint;
        await state.WriteStateAsync();
    }

    public async Task ClearCheckpointAsync()
    {
        executor.Cancel(this.GetPrimaryKeyString());
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}

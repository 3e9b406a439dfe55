using GridSearch.Grains.Execution;
using GridSearch.Grains.Placement;

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
    ILocalSiloDetails silo) : Grain, ITrialGrain
{
    public static string Key(string sweepId, string runId) => $"{sweepId}/{runId}";

    public Task<string> StartAsync(TrialAssignment assignment)
    {
        TrialCheckpoint? checkpoint = state.State.Checkpoint;
        executor.Submit(this.GetPrimaryKeyString(),
            cancellation => TrialJob.Run(assignment, checkpoint, runner, grains, cancellation));
        return Task.FromResult(silo.Name);
    }

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

using GridSearch.Grains.Diagnostics;
using GridSearch.Trainer.Metrics;
using GridSearch.Grains;
using GridSearch.Abstractions;
using GridSearch.Trainer.Execution;
using GridSearch.Trainer.Programs;
using GridSearch.Grains.Metrics;
using GridSearch.Grains.Placement;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace GridSearch.Trainer.Grains;

/// <summary>Checkpoint storage of a run grain.</summary>
[GenerateSerializer, Alias("gridsearch.TrialCheckpointState")]
public sealed class RunCheckpointState
{
    [Id(0)] public RunCheckpoint? Checkpoint { get; set; }
}

/// <inheritdoc cref="IRunGrain"/>
/// <remarks>
/// The checkpoint is read on first use, not during activation: a damaged checkpoint then fails the call that needs it
/// with a <see cref="DamagedStateException"/> naming the file (the coordinator fails the sweep at once and says how to
/// go on), instead of failing every activation until the dispatch gives up.
/// </remarks>
// Grain type "trial", the name runs had before: checkpoints are stored under it, and those of a sweep that was running
// when GridSearch was upgraded must still be found.
[TrainerOnly, GrainType("trial")]
public sealed class RunGrain(
    [FromKeyedServices(GridSearchStorage.Name)] IGrainStorage storage,
    RunExecutor executor,
    IRunTrainer runner,
    IGrainFactory grains,
    TrainerMetrics metrics,
    ILocalSiloDetails silo,
    IHoldPoints holds,
    RunFolderStore folderCopies) : SlotWorkGrain(executor, silo), IRunGrain
{
    // The name the checkpoint has always been stored under, so existing state directories keep working.
    private const string StateName = "checkpoint";
    private GrainState<RunCheckpointState>? _state;

    public async Task<TrainerLocation> StartAsync(RunAssignment assignment)
    {
        ThrowIfDraining();

        if (Executor.IsActive(this.GetPrimaryKeyString(), assignment.Attempt))
        {
            return Location; // already queued or running here: a repeated dispatch changes nothing
        }

        var checkpoint = (await LoadAsync()).State?.Checkpoint;
        var job = new RunJob(assignment, checkpoint, runner, grains, metrics, () => Executor.Draining, Location, holds);
        Executor.Submit(this.GetPrimaryKeyString(), assignment.Attempt, job.Run);
        return Location;
    }

    public Task<bool> IsRunningAsync(int attempt) => Task.FromResult(Executor.IsActive(this.GetPrimaryKeyString(), attempt));

    public Task CancelAsync()
    {
        Executor.Cancel(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public async Task<RunCheckpoint?> ReadCheckpointAsync() => (await LoadAsync()).State?.Checkpoint;

    public async Task SaveCheckpointAsync(RunCheckpoint checkpoint)
    {
        var state = await LoadAsync();
        state.State = new RunCheckpointState { Checkpoint = checkpoint };
        await storage.WriteStateAsync(StateName, this.GetGrainId(), state);
    }

    public async Task AdoptCheckpointAsync(string donorRunId, int epoch)
    {
        var (sweepId, runId) = Key;
        var donor = await grains.GetGrain<IRunGrain>(TrainerGrainKeys.Run(sweepId, donorRunId)).ReadCheckpointAsync();
        if (donor is null || donor.Epoch != epoch)
        {
            throw new InvalidOperationException(
                $"run {runId} was to go on from run {donorRunId}'s checkpoint after epoch {epoch}, but that checkpoint is " +
                (donor is null ? "missing" : $"after epoch {donor.Epoch}"));
        }

        var own = (await LoadAsync()).State?.Checkpoint;
        folderCopies.Adopt(sweepId, donorRunId, runId, epoch);
        await SaveCheckpointAsync(RunCheckpoint.Adopting(own, donor));
    }

    private (string SweepId, string RunId) Key
    {
        get
        {
            string key = this.GetPrimaryKeyString();
            int slash = key.IndexOf('/', StringComparison.Ordinal);
            return (key[..slash], key[(slash + 1)..]);
        }
    }

    public async Task<bool> DiscardIfDamagedAsync()
    {
        if (_state is not null)
        {
            return false;
        }

        var state = new GrainState<RunCheckpointState>(new RunCheckpointState());
        try
        {
            await ReadAsync(state);
            _state = state;
            return false;
        }
        catch (DamagedStateException)
        {
            // The read left an ETag naming the damaged bytes: exactly those are cleared, nothing written since.
            await storage.ClearStateAsync(StateName, this.GetGrainId(), state);
            _state = new GrainState<RunCheckpointState>(new RunCheckpointState());
            return true;
        }
    }

    public async Task ClearCheckpointAsync()
    {
        Executor.Cancel(this.GetPrimaryKeyString());
        await DiscardIfDamagedAsync();
        var state = await LoadAsync();
        if (state.RecordExists)
        {
            await storage.ClearStateAsync(StateName, this.GetGrainId(), state);
        }

        // A program's run keeps copies of its folder on the trainers' shared volume, if they have one: they go with it.
        var (sweepId, runId) = Key;
        folderCopies.Forget(sweepId, runId);

        DeactivateOnIdle();
    }

    /// <exception cref="DamagedStateException">The checkpoint exists but cannot be read.</exception>
    private async Task<GrainState<RunCheckpointState>> LoadAsync()
    {
        if (_state is null)
        {
            var state = new GrainState<RunCheckpointState>(new RunCheckpointState());
            await ReadAsync(state);
            _state = state;
        }

        return _state;
    }

    /// <summary>
    /// Reads the checkpoint. A failure that is not the storage being unreachable for a moment (a connection or a
    /// timeout) means the stored value itself cannot be read: it is reported as damaged, at once, naming the grain.
    /// </summary>
    private async Task ReadAsync(GrainState<RunCheckpointState> state)
    {
        try
        {
            await storage.ReadStateAsync(StateName, this.GetGrainId(), state);
        }
        catch (Exception error) when (error is not DamagedStateException && !IsTransient(error))
        {
            throw new DamagedStateException(
                $"The checkpoint of run '{this.GetPrimaryKeyString()}' (grain {this.GetGrainId()}, state '{StateName}') cannot be " +
                $"read from storage ({error.GetType().Name}: {error.Message}).");
        }
    }

    private static bool IsTransient(Exception error) => error is TimeoutException or OperationCanceledException or IOException
        or System.Net.Sockets.SocketException
        || error.GetType().Namespace?.StartsWith("StackExchange.Redis", StringComparison.Ordinal) == true
        || (error.InnerException is { } inner && IsTransient(inner));
}

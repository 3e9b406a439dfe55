using GridSearch.Coordinator.Metrics;
using GridSearch.Grains.Diagnostics;
using GridSearch.Grains;
using GridSearch.Abstractions;
using GridSearch.Grains.Metrics;
using GridSearch.Grains.Placement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace GridSearch.Coordinator;

/// <summary>
/// Coordinates one sweep. Its turns only book-keep and hand out work: training runs on trainer silos' executors,
/// which report each epoch and each finished run back here. Status queries interleave with everything. While the
/// sweep is unfinished a timer checks that running cells still have a live trainer, and a durable reminder brings
/// the coordinator back after a whole-cluster restart, so the sweep resumes by itself.
/// </summary>
[PreferNonTrainer]
public sealed partial class SweepCoordinatorGrain(
    [PersistentState("sweep", GridSearchStorage.Name)] IPersistentState<SweepState> sweep,
    [PersistentState("winner", GridSearchStorage.Name)] IPersistentState<WinnerState> winner,
    [PersistentState("dataset", GridSearchStorage.Name)] IPersistentState<DatasetManifestState> manifest,
    IGrainFactory grains,
    IClusterMembershipService membership,
    ISiloMetadataCache siloMetadata,
    SweepMetricsRegistry metrics,
    TimeProvider clock,
    IOptions<CoordinatorOptions> options,
    IHoldPoints holds,
    ILogger<SweepCoordinatorGrain> logger) : Grain, ISweepCoordinatorGrain, ITrainerReports, IRemindable
{
    private const string ReminderName = "gridsearch-resume";
    private SweepSpec? _validating;
    private DateTimeOffset? _activeSince;
    private IGrainTimer? _reconcileTimer;
    private IGrainTimer? _pendingWrite;
    private IGrainTimer? _settleTimer;
    private IGrainTimer? _retryTimer;
    private readonly Dictionary<(string RunId, int Attempt), Task> _starting = [];
    private readonly List<(RunRecord Run, int Attempt, Exception Error)> _failedStarts = [];
    private readonly HashSet<string> _drainingTrainers = [];

    private string SweepId => this.GetPrimaryKeyString();

    private SweepBook Book => new(sweep.State);

    private bool Exists => sweep.RecordExists && sweep.State.Spec is not null;

    private bool Unfinished => Exists && !sweep.State.Status.IsFinal();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Exists)
        {
            AdoptWinnersBest();
            metrics.Publish(Snapshot());
        }

        if (Unfinished)
        {
            StartWatching();
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.Remove(SweepId);
        if (_pendingWrite is not null)
        {
            await SaveAsync();
        }
    }

    /// <summary>Writes the sweep's state now and publishes it to this silo's metrics.</summary>
    private async Task SaveAsync()
    {
        _pendingWrite?.Dispose();
        _pendingWrite = null;
        await sweep.WriteStateAsync();
        metrics.Publish(Snapshot());
    }

    /// <summary>
    /// Records progress: written (and published to metrics) within <see cref="CoordinatorOptions.ProgressWriteInterval"/>;
    /// status queries see it at once. A crash in between loses nothing that the cells' checkpoints cannot replay.
    /// </summary>
    private Task SaveSoonAsync()
    {
        var interval = options.Value.ProgressWriteInterval;
        if (interval <= TimeSpan.Zero)
        {
            return SaveAsync();
        }

        _pendingWrite ??= this.RegisterGrainTimer(_ => SaveAsync(), interval, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The winner's state is written at once and the sweep's lazily, so after a crash the winner may name a newer
    /// best than the sweep state does; the winner's is the true one.
    /// </summary>
    private void AdoptWinnersBest()
    {
        if (winner.State.Best is { } best && best != sweep.State.Best && winner.State.Incarnation == sweep.State.Incarnation)
        {
            sweep.State.Best = best;
            sweep.State.BestGridIndex = sweep.State.Cells.FindIndex(t => t.Id == best.CellId);
        }
    }

    public async Task<SweepStartResult> StartAsync(SweepSpec spec)
    {
        if (Exists)
        {
            return new SweepStartResult(SweepStartOutcome.AlreadyExists,
                [$"sweep '{SweepId}' already exists ({sweep.State.Status}); choose another --sweep-id"], Snapshot());
        }

        var problems = SweepSpecRules.Problems(spec).ToList();
        if (!SweepSpecRules.IsValidSweepId(SweepId))
        {
            problems.Insert(0, SweepSpecRules.SweepIdProblem(SweepId));
        }

        if (problems.Count > 0)
        {
            return new SweepStartResult(SweepStartOutcome.Invalid, problems.ToArray(), null);
        }

        DatasetSummary dataset;
        DataManifest? files;
        Dictionary<CellParameters, int>? groupWidths = null;
        var startedAt = clock.GetUtcNow();
        _validating = spec;
        try
        {
            var inspector = grains.GetGrain<IDatasetInspectorGrain>(SweepId);
            dataset = await inspector.DescribeAsync(DataRequest.For(spec));
            files = await inspector.ManifestAsync(DataRequest.For(spec));
            // How wide each shape's fused groups may be is the trainer's to say: it knows its device and memory.
            if (FusedGroups.Shapes(spec) is { Length: > 0 } shapes)
            {
                var widths = await inspector.FusedGroupWidthsAsync(DataRequest.For(spec), spec.FusedGroupSize, shapes);
                groupWidths = shapes.Zip(widths).ToDictionary(pair => pair.First, pair => pair.Second);
            }
        }
        catch (Exception error) when (IsNoTrainer(error))
        {
            return new SweepStartResult(SweepStartOutcome.NoTrainer, [NoTrainerMessage], null);
        }
        catch (Exception error)
        {
            return new SweepStartResult(SweepStartOutcome.Invalid, [error.Message], null);
        }
        finally
        {
            _validating = null;
        }

        var dataProblems = SweepSpecRules.DataProblems(spec, dataset);
        if (dataProblems.Count > 0)
        {
            return new SweepStartResult(SweepStartOutcome.Invalid, dataProblems.ToArray(), null);
        }

        // The fingerprint the runs must match is the one of the file list kept for this sweep (listed just after the
        // data set was described, so a file that changed in between is caught on the first run, not missed).
        dataset = dataset with { Fingerprint = files?.Fingerprint };

        // The state, the data set's file list, the registry entry and the restart reminder are independent writes:
        // they go out together, and the first run is dispatched only once all are durable. Whatever a sweep that once
        // had this id left behind (a winner, checkpoints) belongs to another incarnation and is never taken for ours.
        sweep.State = SweepCreation.Create(spec, dataset, clock.GetUtcNow(), groupWidths: groupWidths);
        winner.State = new WinnerState { Incarnation = sweep.State.Incarnation };
        manifest.State = new DatasetManifestState { Manifest = files };
        await Task.WhenAll(SaveAsync(), manifest.WriteStateAsync(), grains.GetGrain<ISweepRegistryGrain>(0).RegisterAsync(SweepId),
            RegisterReminderAsync());

        _activeSince = startedAt;
        StartWatching();
        LogStarted(SweepId, sweep.State.Cells.Count, sweep.State.Runs.Count);
        holds.Reach("sweep-started");
        await DispatchAsync();
        return new SweepStartResult(SweepStartOutcome.Started, [], Snapshot());
    }

    public async Task<SweepSnapshot?> CancelAsync()
    {
        if (!Exists)
        {
            return null;
        }

        if (sweep.State.Status.IsFinal())
        {
            return Snapshot();
        }

        // A run whose start is still on its way would otherwise start after being told to stop.
        await StartsAnswered();
        CloseActivePeriod();
        var running = Book.Cancel(clock.GetUtcNow(), "cancelled by the user");
        await SaveAsync();
        foreach (var run in running)
        {
            try
            {
                await CancelOnTrainerAsync(run);
            }
            catch (Exception error)
            {
                LogCancelFailed(SweepId, run.Id, error);
            }
        }

        await FinishedAsync();
        return Snapshot();
    }

    public async Task<SweepResumeResult> ResumeAsync(ResumeRequest request)
    {
        if (!Exists)
        {
            return new SweepResumeResult(SweepResumeOutcome.NotFound, [$"no sweep '{SweepId}'"], null);
        }

        if (sweep.State.Status == SweepStatus.Completed)
        {
            return new SweepResumeResult(SweepResumeOutcome.AlreadyCompleted, [], Snapshot());
        }

        if (await DataChangedAsync() is { } changed)
        {
            return new SweepResumeResult(SweepResumeOutcome.Refused, [changed], Snapshot());
        }

        // A run whose start is still on its way must not be reset underneath it.
        await StartsAnswered();
        if (request.DiscardDamaged)
        {
            await DiscardDamagedCheckpointsAsync();
        }

        if (sweep.State.Status.IsFinal())
        {
            Book.Reopen();
            await SaveAsync();
            await RegisterReminderAsync();
            StartWatching();
        }

        LogResumed(SweepId);
        await ReconcileAsync();
        return new SweepResumeResult(SweepResumeOutcome.Resumed, [], Snapshot());
    }

    /// <summary>
    /// Why the sweep cannot go on with its data set as it is now, or null: the files a trainer lists now must have
    /// the fingerprint the sweep started with. Sweeps whose runner reads no files have no fingerprint to compare.
    /// </summary>
    private async Task<string?> DataChangedAsync()
    {
        if (sweep.State.Dataset?.Fingerprint is not { } expected)
        {
            return null;
        }

        DataManifest? now;
        try
        {
            now = await grains.GetGrain<IDatasetInspectorGrain>(SweepId).ManifestAsync(Book.Data with { Fingerprint = null });
        }
        catch (Exception error) when (IsNoTrainer(error))
        {
            return NoTrainerMessage;
        }
        catch (Exception error)
        {
            return $"the data set '{Book.Spec.DataRoot}' cannot be listed: {error.Message}";
        }

        if (now is null || now.Fingerprint == expected)
        {
            return null;
        }

        string what = manifest.State.Manifest is { } before ? DataManifest.Changes(before, now) : "its files differ";
        return $"the data set '{Book.Spec.DataRoot}' changed since sweep '{SweepId}' started: {what}. A sweep never mixes two " +
               "versions of its data: restore the files it started with and resume again, or start a new sweep on the changed data.";
    }

    /// <summary>Runs whose checkpoint is damaged lose it and train again from their first epoch.</summary>
    private async Task DiscardDamagedCheckpointsAsync()
    {
        var book = Book;
        foreach (var run in sweep.State.Runs.Where(r => r.Status != CellStatus.Completed))
        {
            if (await grains.GetGrain<IRunGrain>(TrainerGrainKeys.Run(SweepId, run.Id)).DiscardIfDamagedAsync())
            {
                LogCheckpointDiscarded(SweepId, run.Id);
                book.Restart(run);
            }
        }
    }

    public async Task<SweepDeleteResult> DeleteAsync()
    {
        if (!Exists)
        {
            return new SweepDeleteResult(SweepDeleteOutcome.NotFound, $"no sweep '{SweepId}'");
        }

        if (!sweep.State.Status.IsFinal())
        {
            return new SweepDeleteResult(SweepDeleteOutcome.StillRunning,
                $"sweep '{SweepId}' is {sweep.State.Status}");
        }

        // A progress write still pending (a cancelled run's last report) would bring the cleared record back.
        _pendingWrite?.Dispose();
        _pendingWrite = null;

        // Checkpoints first, the sweep's own record last: a delete that stops half-way can simply be repeated.
        await ClearCheckpointsAsync();
        await manifest.ClearStateAsync();
        await winner.ClearStateAsync();
        await ForgetReminderAsync();
        await grains.GetGrain<ISweepRegistryGrain>(0).UnregisterAsync(SweepId);
        await sweep.ClearStateAsync();
        metrics.Remove(SweepId);
        DeactivateOnIdle();
        LogDeleted(SweepId);
        return new SweepDeleteResult(SweepDeleteOutcome.Deleted, $"sweep '{SweepId}' deleted");
    }

    public Task<WinnerWeights?> GetWinnerWeightsAsync() => Task.FromResult(
        winner.State is { Best: { } best, Weights: { } weights } && best == sweep.State.Best
        && winner.State.Incarnation == sweep.State.Incarnation
            ? new WinnerWeights(best, weights)
            : null);

    private void CloseActivePeriod()
    {
        if (_activeSince is { } since)
        {
            sweep.State.EarlierActiveSeconds += (clock.GetUtcNow() - since).TotalSeconds;
            _activeSince = null;
        }
    }

    private const string NoTrainerMessage =
        "no trainer silo is active in the cluster: trials run only on silos whose metadata marks them as trainers " +
        "(GridSearch:Trainer:Enabled=true). Start a trainer silo, or check that the GPU silos joined the cluster.";

    // The trainer placement filter throws NoTrainerException when it finds no trainer; Orleans passes it on, possibly
    // wrapped, so the chain is searched for the type (never for the wording of an Orleans message).
    private static bool IsNoTrainer(Exception error) => Find<NoTrainerException>(error) is not null;

    private static T? Find<T>(Exception? error) where T : Exception =>
        error switch
        {
            null => null,
            T found => found,
            AggregateException aggregate => aggregate.InnerExceptions.Select(Find<T>).FirstOrDefault(e => e is not null),
            _ => Find<T>(error.InnerException),
        };
}

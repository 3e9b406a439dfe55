using GridSearch.Abstractions;
using GridSearch.Grains.Execution;
using GridSearch.Grains.Metrics;
using GridSearch.Grains.Placement;
using GridSearch.Grains.Trials;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace GridSearch.Grains.Coordinator;

/// <summary>
/// Coordinates one sweep. Its turns only book-keep and hand out work: training runs on trainer silos' executors,
/// which report each epoch and each finished run back here. Status queries interleave with everything. While the
/// sweep is unfinished a timer checks that running trials still have a live trainer, and a durable reminder brings
/// the coordinator back after a whole-cluster restart, so the sweep resumes by itself.
/// </summary>
[PreferNonTrainer]
public sealed partial class SweepCoordinatorGrain(
    [PersistentState("sweep", GridSearchStorage.Name)] IPersistentState<SweepState> sweep,
    [PersistentState("winner", GridSearchStorage.Name)] IPersistentState<WinnerState> winner,
    IGrainFactory grains,
    IClusterMembershipService membership,
    ISiloMetadataCache siloMetadata,
    SweepMetricsRegistry metrics,
    TimeProvider clock,
    IOptions<CoordinatorOptions> options,
    ILogger<SweepCoordinatorGrain> logger) : Grain, ISweepCoordinatorGrain, ITrainerReports, IRemindable
{
    private const string ReminderName = "gridsearch-resume";
    private SweepSpec? _validating;
    private DateTimeOffset? _activeSince;
    private IGrainTimer? _reconcileTimer;
    private IGrainTimer? _pendingWrite;

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
    /// status queries see it at once. A crash in between loses nothing that the trials' checkpoints cannot replay.
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
        if (winner.State.Best is { } best && best != sweep.State.Best)
        {
            sweep.State.Best = best;
            sweep.State.BestGridIndex = sweep.State.Trials.FindIndex(t => t.Id == best.TrialId);
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
        var startedAt = clock.GetUtcNow();
        _validating = spec;
        try
        {
            dataset = await grains.GetGrain<IDatasetInspectorGrain>(SweepId).DescribeAsync(DataRequest.For(spec));
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

        sweep.State = SweepBook.Create(spec, dataset, clock.GetUtcNow());
        await SaveAsync();
        await grains.GetGrain<ISweepRegistryGrain>(0).RegisterAsync(SweepId);
        if (options.Value.ReminderPeriod is { } period)
        {
            await this.RegisterOrUpdateReminder(ReminderName, period, period);
        }

        _activeSince = startedAt;
        StartWatching();
        LogStarted(SweepId, sweep.State.Trials.Count, sweep.State.Runs.Count);
        HoldPoints.Reach("sweep-started");
        await DispatchAsync();
        return new SweepStartResult(SweepStartOutcome.Started, [], Snapshot());
    }

    public Task<SweepSnapshot?> GetSnapshotAsync()
    {
        if (!Exists && _validating is not null)
        {
            var pending = new SweepSnapshot(SweepId, SweepStatus.Pending, _validating, null, [], null, null,
                new SweepTimings(0, 0, 0, 0), "loading the data set on a trainer silo", clock.GetUtcNow(), null);
            return Task.FromResult<SweepSnapshot?>(pending);
        }

        return Task.FromResult(Exists ? Snapshot() : null);
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

        CloseActivePeriod();
        var running = Book.Cancel(clock.GetUtcNow(), "cancelled by the user");
        await SaveAsync();
        foreach (var run in running)
        {
            try
            {
                await grains.GetGrain<ITrialGrain>(TrialGrain.Key(SweepId, run.Id)).CancelAsync();
            }
            catch (Exception error)
            {
                LogCancelFailed(SweepId, run.Id, error);
            }
        }

        await FinishedAsync();
        return Snapshot();
    }

    public async Task<SweepSnapshot?> ResumeAsync()
    {
        if (!Exists)
        {
            return null;
        }

        if (Unfinished)
        {
            LogResumed(SweepId);
            await ReconcileAsync();
        }

        return Snapshot();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Unfinished ? ReconcileAsync() : ForgetReminderAsync();

    /// <summary>
    /// Puts runs whose trainer no longer has them back in the queue (they resume from their checkpoints on any
    /// trainer), restarts a lost test evaluation, and dispatches. Safe to call at any time: a run that is still
    /// alive is left alone, and one whose silo cannot be asked right now is asked again next time.
    /// </summary>
    private async Task ReconcileAsync()
    {
        if (!Unfinished)
        {
            return;
        }

        _activeSince ??= clock.GetUtcNow();
        var book = Book;
        foreach (var run in sweep.State.Runs.Where(r => r.Status == TrialStatus.Running).ToList())
        {
            try
            {
                if (!await grains.GetGrain<ITrialGrain>(TrialGrain.Key(SweepId, run.Id)).IsRunningAsync(run.Attempts))
                {
                    LogRequeued(SweepId, run.Id, run.Attempts, run.Silo);
                    book.RequeueLost(run);
                }
            }
            catch (Exception error)
            {
                LogUnreachable(SweepId, run.Id, error);
            }
        }

        if (sweep.State.Status == SweepStatus.Testing)
        {
            bool testing;
            try
            {
                testing = await grains.GetGrain<IWinnerTestGrain>(SweepId).IsRunningAsync();
            }
            catch (Exception error)
            {
                LogUnreachable(SweepId, "test", error);
                testing = true;
            }

            if (!testing)
            {
                sweep.State.MoveTo(SweepStatus.Running);
            }
        }

        await DispatchAsync();
    }

    private void StartWatching()
    {
        _activeSince ??= clock.GetUtcNow();
        _reconcileTimer ??= this.RegisterGrainTimer(_ => ReconcileAsync(), options.Value.ReconcileInterval, options.Value.ReconcileInterval);
    }

    private async Task FinishedAsync()
    {
        LogFinished(SweepId, sweep.State.Status);
        _reconcileTimer?.Dispose();
        _reconcileTimer = null;
        await ForgetReminderAsync();
    }

    private async Task ForgetReminderAsync()
    {
        if (options.Value.ReminderPeriod is not null && await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task<WinnerWeights?> GetWinnerWeightsAsync() => Task.FromResult(
        winner.State is { Best: { } best, Weights: { } weights } && best == sweep.State.Best
            ? new WinnerWeights(best, weights)
            : null);

    public async Task RecordEpochAsync(string runId, int attempt, EpochMetrics metrics, float[] weights, bool replayed)
    {
        if (!Exists)
        {
            return;
        }

        if (!replayed)
        {
            Book.CountTrainedEpoch(metrics);
        }

        var outcome = Book.RecordEpoch(runId, attempt, metrics);
        if (replayed && outcome != EpochRecordOutcome.Ignored)
        {
            // Trained before a crash and checkpointed, but never reported: it counts once, now.
            Book.CountTrainedEpoch(metrics);
        }

        if (outcome == EpochRecordOutcome.Ignored)
        {
            if (!replayed)
            {
                await SaveSoonAsync();
            }

            return;
        }

        // The winner's weights are written at once and before the state that names it, so the named best always
        // has weights, even after a crash.
        if (outcome == EpochRecordOutcome.RecordedNewBest)
        {
            if (weights.Length == 0)
            {
                LogReplayedBestWithoutWeights(SweepId, runId, metrics.Epoch);
            }
            else
            {
                winner.State = new WinnerState { Best = sweep.State.Best, Weights = weights };
                await winner.WriteStateAsync();
            }
        }

        await SaveSoonAsync();
    }

    public async Task RecordFinalEpochAsync(string runId, int attempt, EpochMetrics metrics, float[] weights)
    {
        await RecordEpochAsync(runId, attempt, metrics, weights, replayed: false);
        await RunFinishedAsync(runId, attempt, RunOutcome.Completed, error: null);
    }

    public async Task RunFinishedAsync(string runId, int attempt, RunOutcome outcome, string? error)
    {
        if (!Exists || !Book.RunFinished(runId, attempt, outcome, error, clock.GetUtcNow()))
        {
            return;
        }

        if (outcome == RunOutcome.Failed)
        {
            LogRunFailed(SweepId, runId, attempt, error);
        }

        await SaveSoonAsync();
        HoldPoints.Reach("run-finished");
        await DispatchAsync();
    }

    public async Task RecordTestResultAsync(double? accuracy, string? error)
    {
        if (!Exists || sweep.State.Status != SweepStatus.Testing)
        {
            return;
        }

        CloseActivePeriod();
        if (accuracy is { } value)
        {
            Book.Complete(clock.GetUtcNow(), value);
        }
        else
        {
            Book.Fail(clock.GetUtcNow(), $"testing the winner failed: {error}");
        }

        await SaveAsync();
        await FinishedAsync();
        await ClearCheckpointsAsync();
    }

    /// <summary>Hands pending runs to trainer silos up to the cluster's free capacity, then checks for the end.</summary>
    private async Task DispatchAsync()
    {
        var book = Book;
        var slots = Slots();
        var starts = new List<(RunRecord Run, Task<TrainerLocation> Started)>();
        foreach (var run in book.ClaimRuns(slots.Free, clock.GetUtcNow()))
        {
            // A hint, honoured when the run's grain is activated: the trainer with the most free slots. The calls
            // go out together; the hint is read when each call is sent.
            if (slots.Next() is { } target)
            {
                RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
                slots.Took(target.ToParsableString());
            }

            starts.Add((run, grains.GetGrain<ITrialGrain>(TrialGrain.Key(SweepId, run.Id)).StartAsync(book.AssignmentFor(SweepId, run))));
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        foreach (var (run, started) in starts)
        {
            try
            {
                var location = await started;
                (run.Silo, run.SiloAddress) = (location.Name, location.Address);
            }
            catch (Exception error) when (IsNoTrainer(error))
            {
                if (sweep.State.Status == SweepStatus.Running)
                {
                    CloseActivePeriod();
                    book.Fail(clock.GetUtcNow(), NoTrainerMessage);
                }
            }
            catch (Exception error)
            {
                if (run.Status == TrialStatus.Running)
                {
                    book.DispatchFailed(run, error.Message);
                }
            }
        }

        if (sweep.State.Status == SweepStatus.Running && book.TrainingDone)
        {
            await FinishTrainingAsync(book);
        }

        if (sweep.State.Status == SweepStatus.Running)
        {
            await SaveSoonAsync();
        }
        else
        {
            await SaveAsync();
        }

        if (sweep.State.Status.IsFinal())
        {
            await FinishedAsync();
        }
    }

    private async Task FinishTrainingAsync(SweepBook book)
    {
        if (!book.AnyEpochRecorded || winner.State.Weights is null)
        {
            CloseActivePeriod();
            book.Fail(clock.GetUtcNow(), book.AllFailedMessage());
            return;
        }

        book.BeginTesting();
        try
        {
            await grains.GetGrain<IWinnerTestGrain>(SweepId).StartAsync(DataRequest.For(book.Spec), winner.State.Weights);
        }
        catch (Exception error)
        {
            CloseActivePeriod();
            book.Fail(clock.GetUtcNow(), IsNoTrainer(error) ? NoTrainerMessage : $"testing the winner failed: {error.Message}");
        }
    }

    /// <summary>
    /// This round's slot accounting: the active trainers and their slots (doubled while trials are short, so a
    /// queued run is ready when a slot frees up), the runs already out on each, and the sweep's own limit.
    /// </summary>
    private TrainerSlots Slots()
    {
        var finished = sweep.State.Runs.Where(r => r is { StartedAt: not null, FinishedAt: not null }).Take(64).ToList();
        bool shortTrials = finished.Count > 0
                           && finished.Average(r => (r.FinishedAt!.Value - r.StartedAt!.Value).TotalSeconds)
                           < options.Value.QueueTrialsShorterThan.TotalSeconds;
        return new TrainerSlots(TrainerMetadata.ActiveTrainers(membership, siloMetadata),
            sweep.State.Runs.Where(r => r.Status == TrialStatus.Running), shortTrials, sweep.State.Spec?.MaxConcurrentTrials ?? 0);
    }

    private async Task ClearCheckpointsAsync()
    {
        foreach (var run in sweep.State.Runs)
        {
            try
            {
                await grains.GetGrain<ITrialGrain>(TrialGrain.Key(SweepId, run.Id)).ClearCheckpointAsync();
            }
            catch (Exception error)
            {
                LogCancelFailed(SweepId, run.Id, error);
            }
        }
    }

    private void CloseActivePeriod()
    {
        if (_activeSince is { } since)
        {
            sweep.State.EarlierActiveSeconds += (clock.GetUtcNow() - since).TotalSeconds;
            _activeSince = null;
        }
    }

    private SweepSnapshot Snapshot()
    {
        double active = sweep.State.EarlierActiveSeconds + (_activeSince is { } since ? (clock.GetUtcNow() - since).TotalSeconds : 0);
        return Book.Snapshot(SweepId, active);
    }

    private const string NoTrainerMessage =
        "no trainer silo is active in the cluster: trials run only on silos whose metadata marks them as trainers " +
        "(GridSearch:Trainer:Enabled=true). Start a trainer silo, or check that the GPU silos joined the cluster.";

    private static bool IsNoTrainer(Exception error) =>
        error.Message.Contains("No active nodes are compatible", StringComparison.OrdinalIgnoreCase)
        || (error.InnerException is { } inner && IsNoTrainer(inner));

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId} started: {Trials} trials in {Runs} runs")]
    private partial void LogStarted(string sweepId, int trials, int runs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId} resumed")]
    private partial void LogResumed(string sweepId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId} finished: {Status}")]
    private partial void LogFinished(string sweepId, SweepStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {SweepId}: run {RunId} attempt {Attempt} failed: {Error}")]
    private partial void LogRunFailed(string sweepId, string runId, int attempt, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {SweepId}: could not reach run {RunId}")]
    private partial void LogCancelFailed(string sweepId, string runId, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {SweepId}: run {RunId} attempt {Attempt} is no longer on its trainer ({Silo}); it goes back to the queue and resumes from its checkpoint")]
    private partial void LogRequeued(string sweepId, string runId, int attempt, string? silo);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sweep {SweepId}: replayed epoch {Epoch} of run {RunId} became the best without weights; the winner's weights are not updated")]
    private partial void LogReplayedBestWithoutWeights(string sweepId, string runId, int epoch);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId}: could not ask where run {RunId} stands; asking again later")]
    private partial void LogUnreachable(string sweepId, string runId, Exception error);
}

using GridSearch.Abstractions;
using GridSearch.Coordinator.Scheduling;

namespace GridSearch.Coordinator;

/// <summary>
/// The coordinator's bookkeeping, free of Orleans: which runs to dispatch, what an epoch report changes, when
/// the sweep is done. Pure functions of the state and the reports, so the same reports always give the same sweep.
/// </summary>
public sealed partial class SweepBook(SweepState state)
{
    public SweepState State => state;

    public SweepSpec Spec => state.Spec ?? throw new InvalidOperationException("The sweep has no spec.");

    private ICellScheduler Scheduler => CellSchedulers.For(Spec);

    private Objective Objective => Spec.Objective;

    /// <summary>
    /// Claims up to <paramref name="count"/> units of work, in grid order: a run that trains alone, or a fused group
    /// with those of its runs that may train now. A group is claimed only while none of its runs is out on a trainer,
    /// so each of its runs is always in one place.
    /// </summary>
    public IReadOnlyList<ClaimedWork> ClaimWork(int count, DateTimeOffset? now = null)
    {
        if (state.Status != SweepStatus.Running)
        {
            return [];
        }

        var groups = state.Groups.ToDictionary(g => g.Id);
        // Dispatch runs after every report: a group's runs are looked up by id, not searched for, in large sweeps.
        var byId = groups.Count == 0 ? null : state.Runs.ToDictionary(r => r.Id);
        var claimed = new List<ClaimedWork>();
        var seen = new HashSet<string>();
        foreach (var run in state.Runs)
        {
            if (claimed.Count >= count)
            {
                break;
            }

            if (run.Group is { } groupId && groups.TryGetValue(groupId, out var group))
            {
                if (!seen.Add(groupId))
                {
                    continue;
                }

                var lanes = group.Runs.Select(id => byId![id]).ToList();
                var ready = lanes.Where(r => Claimable(r, now)).ToList();
                if (ready.Count > 0 && lanes.All(r => r.Status != CellStatus.Running))
                {
                    group.Attempts++;
                    ready.ForEach(r => Claim(r, now));
                    claimed.Add(new ClaimedWork(group, ready));
                }
            }
            else if (Claimable(run, now))
            {
                Claim(run, now);
                claimed.Add(new ClaimedWork(null, [run]));
            }
        }

        return claimed;
    }

    private bool Claimable(RunRecord run, DateTimeOffset? now) =>
        run.Status == CellStatus.Pending && !(run.RetryAfter > now) && !Held(run);

    private void Claim(RunRecord run, DateTimeOffset? now)
    {
        run.MoveTo(CellStatus.Running);
        run.AssignedEpochs = TrainTo(run);
        run.Attempts++;
        run.StartedAt = now;
        run.FinishedAt = null;
        run.QueuedSeconds = 0;
        foreach (var cell in CellsOf(run).Where(c => c.Status == CellStatus.Pending))
        {
            cell.MoveTo(CellStatus.Running);
        }
    }

    /// <summary>The earliest time a pending run waiting out its backoff may be dispatched, if any waits.</summary>
    public DateTimeOffset? NextRetry => state.Runs
        .Where(r => r.Status == CellStatus.Pending && r.RetryAfter is not null)
        .Min(r => r.RetryAfter);

    /// <summary>The data every trainer of this sweep must see: the request plus the fingerprint it started with.</summary>
    public DataRequest Data => DataRequest.For(Spec) with { Fingerprint = state.Dataset?.Fingerprint };

    private static int Assigned(RunRecord run) => run.AssignedEpochs > 0 ? run.AssignedEpochs : run.Epochs;

    public RunAssignment AssignmentFor(string sweepId, RunRecord run)
    {
        int epochs = Assigned(run);
        return new RunAssignment(sweepId, run.Id, run.Parameters.WithEpochs(epochs), Data, run.Attempts, run.RecordedEpochs, state.Incarnation);
    }

    /// <summary>A claimed fused group's assignment: each claimed run in its row; the other rows stay empty.</summary>
    public FusedAssignment AssignmentFor(string sweepId, ClaimedWork work)
    {
        var group = work.Group ?? throw new ArgumentException("Only a fused group has a fused assignment.", nameof(work));
        return new FusedAssignment(sweepId, group.Id, group.Attempts, group.Runs.Count,
            work.Runs.Select(run => new FusedLaneAssignment(group.Runs.IndexOf(run.Id), AssignmentFor(sweepId, run))).ToArray());
    }

    /// <summary>
    /// How far the run may train now: to the last epoch of its longest cell still in the sweep, or to the rung where
    /// the scheduler makes those cells wait.
    /// </summary>
    public int TrainTo(RunRecord run)
    {
        var scheduler = Scheduler;
        return CellsOf(run).Where(c => !c.Status.IsFinal())
            .Select(c => Math.Min(c.Parameters.Epochs, scheduler.HoldAt(state, c) ?? int.MaxValue))
            .DefaultIfEmpty(0).Max();
    }

    /// <summary>
    /// Whether the run waits at a rung for the scheduler's decision on the other cells. A run with no cell left to
    /// train is never held: dispatched again (after a lost report, say), its trainer finds it done and says so.
    /// </summary>
    private bool Held(RunRecord run) => (CellsOf(run).Any(c => !c.Status.IsFinal()) && TrainTo(run) <= run.RecordedEpochs)
                                        || PendingCopies.Any(e => state.Cells[e.Recipient].RunId == run.Id || state.Cells[e.Donor].RunId == run.Id);

    /// <summary>Population-based training's decisions whose checkpoint copy is still to be made, in order.</summary>
    public IEnumerable<PbtExploit> PendingCopies => state.Exploits.Skip(state.ExploitsCopied);

    /// <summary>The next pending checkpoint copy has been made.</summary>
    public void CopyMade() => state.ExploitsCopied++;

    /// <summary>Records an epoch of a run into every cell it serves; returns whether the best changed.</summary>
    public EpochRecordOutcome RecordEpoch(string runId, int attempt, EpochMetrics metrics)
    {
        var run = state.FindRun(runId);
        if (run is null || run.Status != CellStatus.Running || run.Attempts != attempt || metrics.Epoch != run.RecordedEpochs + 1)
        {
            return EpochRecordOutcome.Ignored;
        }

        run.RecordedEpochs = metrics.Epoch;
        bool bestChanged = false;
        foreach (var cell in CellsOf(run).Where(c => c.Status == CellStatus.Running && c.Parameters.Epochs >= metrics.Epoch))
        {
            cell.Epochs.Add(metrics);
            if (IsBetter(Objective.Score(metrics), cell.GridIndex, metrics.Epoch))
            {
                state.Best = new BestCell(cell.Id, cell.Parameters, metrics.Epoch, Objective.ValueOf(metrics) ?? double.NaN);
                state.BestGridIndex = cell.GridIndex;
                bestChanged = true;
            }

            if (cell.Epochs.Count == cell.Parameters.Epochs)
            {
                cell.MoveTo(CellStatus.Completed);
            }
            else if (!Scheduler.Continue(state, cell, metrics))
            {
                cell.MoveTo(CellStatus.Stopped);
            }
        }

        ApplyScheduler();
        return bestChanged ? EpochRecordOutcome.RecordedNewBest : EpochRecordOutcome.Recorded;
    }

    /// <summary>
    /// Makes the scheduler's waiting decisions that have become possible, and ends every run none of whose cells has
    /// epochs left to train (those still training are stopped on their trainer: <see cref="TakeRunsToStop"/>).
    /// </summary>
    public void ApplyScheduler()
    {
        if (state.Status != SweepStatus.Running)
        {
            return;
        }

        var decisions = Scheduler.Settle(state);
        state.DecidedRungs.AddRange(decisions.DecidedRungs);
        foreach (var exploit in decisions.Exploits)
        {
            state.Exploits.Add(exploit);
            var run = state.FindRun(state.Cells[exploit.Recipient].RunId)!;
            run.Parameters = exploit.Values.WithEpochs(run.Epochs);
        }
        foreach (var cell in decisions.Stop.Select(index => state.Cells[index]).Where(c => !c.Status.IsFinal()))
        {
            cell.MoveTo(CellStatus.Stopped);
        }

        // A run whose cells the scheduler has all ended (some stopped early) ends here, unless it is running and has
        // reached the end of its assignment: then its trainer reports the end by itself. Runs whose cells all simply
        // completed are left to the usual path (their trainer's report, or a dispatch that finds them done).
        var ended = state.Runs.Where(r => (r.Status == CellStatus.Pending
                                           || (r.Status == CellStatus.Running && r.RecordedEpochs < Assigned(r)))
                                          && CellsOf(r).All(c => c.Status.IsFinal())
                                          && CellsOf(r).Any(c => c.Status == CellStatus.Stopped));
        foreach (var run in ended.ToList())
        {
            if (run.Status == CellStatus.Running)
            {
                state.RunsToStop.Add(run.Id);
            }

            run.MoveTo(CellsOf(run).Any(c => c.Status == CellStatus.Completed) ? CellStatus.Completed : CellStatus.Stopped);
        }
    }

    /// <summary>Runs the scheduler ended while they were training, to be stopped on their trainers (once).</summary>
    public IReadOnlyList<string> TakeRunsToStop()
    {
        var runs = state.RunsToStop.ToList();
        state.RunsToStop.Clear();
        return runs;
    }

    // Best by the objective (highest validation accuracy for the built-in models); ties go to the earliest cell in grid
    // order, then the earliest epoch.
    private bool IsBetter(double score, int gridIndex, int epoch)
    {
        if (state.Best is not { } best)
        {
            return true;
        }

        double bestScore = Objective.ScoreOf(best.Value);
        return score > bestScore
               || (score == bestScore
                   && (gridIndex < state.BestGridIndex || (gridIndex == state.BestGridIndex && epoch < best.Epoch)));
    }

    /// <summary>Whether an epoch comes after one this coordinator has not recorded (reports it never received).</summary>
    public bool Missed(string runId, int epoch) => state.FindRun(runId) is { } run && epoch > run.RecordedEpochs + 1;

    /// <summary>Whether this coordinator handed out the given attempt of the run (its state may lag after a failover).</summary>
    public bool Dispatched(string runId, int attempt) => state.FindRun(runId) is { } run && attempt <= run.Attempts;

    /// <summary>
    /// Counts an epoch that was really trained (not replayed from a checkpoint), whether or not its report was
    /// still needed: a resumed sweep that trains nothing twice ends with the same count as an uninterrupted one.
    /// </summary>
    public void CountTrainedEpoch(EpochMetrics metrics)
    {
        state.EpochsTrained++;
        state.TrainSeconds += metrics.Seconds;
    }

    public bool TrainingDone => state.Runs.All(r => r.Status.IsFinal()) && !SearchGoesOn;

    public bool AnyEpochRecorded => state.Cells.Any(t => t.Epochs.Count > 0);

    /// <summary>Cancels the sweep; returns the runs that were running, to be stopped.</summary>
    public IReadOnlyList<RunRecord> Cancel(DateTimeOffset now, string message)
    {
        var running = state.Runs.Where(r => r.Status == CellStatus.Running).ToList();
        state.MoveTo(SweepStatus.Cancelled);
        state.Message = message;
        state.FinishedAt = now;
        state.Runs.ForEach(CancelRun);
        return running;
    }

    public void Fail(DateTimeOffset now, string message)
    {
        state.MoveTo(SweepStatus.Failed);
        state.Message = message;
        state.FinishedAt = now;
        foreach (var run in state.Runs.Where(r => !r.Status.IsFinal()))
        {
            CancelRun(run);
        }
    }

    public void BeginTesting() => state.MoveTo(SweepStatus.Testing);

    public void Complete(DateTimeOffset now, double? testAccuracy, long[]? confusion = null, Dictionary<string, double>? testMetrics = null)
    {
        state.TestAccuracy = testAccuracy;
        state.TestConfusion = confusion;
        state.TestMetrics = testMetrics;
        state.MoveTo(SweepStatus.Completed);
        state.FinishedAt = now;
        int failed = state.Cells.Count(t => t.Status == CellStatus.Failed);
        string? failures = failed == 0 ? null : $"{failed} of {state.Cells.Count} cells failed; the winner is the best of the rest.";
        string? budget = state.BudgetSpent is not { } spent ? null
            : $"Training ended when the sweep's {spent}: {state.Cells.Count(c => c.Status == CellStatus.Stopped)} cells stopped where they were, " +
              $"{state.Cells.Count(c => c.Status == CellStatus.Cancelled)} not trained; the winner is the best so far.";
        state.Message = budget is null ? failures : failures is null ? budget : $"{budget} {failures}";
    }

    public const string WaitingMessage =
        "waiting for a trainer silo: the sweep has work left and no trainer is active in the cluster. It goes on by " +
        "itself when a trainer joins (GridSearch:Trainer:Enabled=true); runs that were on a lost trainer resume from their checkpoints.";

    /// <summary>Why every cell failed, for the sweep's message.</summary>
    public string AllFailedMessage()
    {
        if (state.BudgetSpent is { } spent)
        {
            return $"The sweep's {spent} before any epoch finished; raise it (max_epochs, time_budget) to train at least one epoch.";
        }

        var first = state.Runs.FirstOrDefault(r => r.Error is not null);
        return $"All {state.Cells.Count} cells failed; no epoch finished. First error ({first?.Id}): {first?.Error}";
    }

    public IEnumerable<CellRecord> CellsOf(RunRecord run) => run.Cells.Select(i => state.Cells[i]);

    /// <summary>What clients see of the sweep now.</summary>
    public SweepSnapshot Snapshot(string sweepId, double totalSeconds) => SweepSnapshots.Of(state, sweepId, totalSeconds);
}

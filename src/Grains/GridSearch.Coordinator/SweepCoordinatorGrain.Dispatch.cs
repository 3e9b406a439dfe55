using GridSearch.Abstractions;
using GridSearch.Grains.Placement;
using Orleans.Runtime.Placement;

namespace GridSearch.Coordinator;

// Handing runs to trainers with free slots, and what happens when training is done.
public sealed partial class SweepCoordinatorGrain
{
    /// <summary>
    /// Hands pending runs to trainer silos up to the cluster's free capacity, then checks for the end. The turn only
    /// sends the start requests: the trainers' answers (which silo took each run, or why none could) are handled as
    /// they come, so the coordinator keeps recording reports while runs are being activated on trainers.
    /// </summary>
    private async Task DispatchAsync()
    {
        var book = Book;
        if (book.SpendBudgetIfDue(ActiveSeconds))
        {
            StopEndedRuns();
        }

        var slots = Slots();
        NoteTrainers(slots.Trainers > 0);
        if (book.AskSearcher(slots.Free) > 0)
        {
            // Stored before they are dispatched: a resumed sweep trains the cells it was given, not new suggestions.
            await SaveAsync();
            if (holds.Enabled)
            {
                holds.Reach($"cells-asked:{sweep.State.Cells.Count}");
            }
        }

        await CopyCheckpointsAsync(book);
        foreach (var work in book.ClaimWork(slots.Free, clock.GetUtcNow()))
        {
            // A hint, honoured when the grain is activated: the trainer with the most free slots. The work counts
            // against that trainer until the answer says where it really went.
            string? address = null;
            if (slots.Next() is { } target)
            {
                RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
                address = target.ToParsableString();
                slots.Took(address);
            }

            foreach (var run in work.Runs)
            {
                (run.Silo, run.SiloAddress) = (null, address);
            }

            var started = work.Group is null ? StartRun(work.Runs[0], book.AssignmentFor(SweepId, work.Runs[0])) : StartGroup(book.AssignmentFor(SweepId, work));
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
            foreach (var run in work.Runs)
            {
                var answered = AnsweredAsync(run, run.Attempts, started);
                if (!answered.IsCompleted)
                {
                    _starting[(run.Id, run.Attempts)] = answered;
                }
            }
        }

        await AfterDispatchAsync(book);
    }

    /// <summary>
    /// Carries out population-based training's stored decisions, in order: each recipient's checkpoint becomes its
    /// donor's at the decision's epoch. Donors and recipients wait until then (the donor's checkpoint must still be at
    /// that epoch); a copy that fails is tried again on the next turn, and one repeated after a crash copies the same.
    /// </summary>
    private async Task CopyCheckpointsAsync(SweepBook book)
    {
        var pending = book.PendingCopies.ToList();
        if (pending.Count == 0)
        {
            return;
        }

        foreach (var exploit in pending)
        {
            if (holds.Enabled)
            {
                holds.Reach($"pbt-decided:{exploit.Epoch}");
            }

            string recipient = sweep.State.Cells[exploit.Recipient].RunId;
            string donor = sweep.State.Cells[exploit.Donor].RunId;
            try
            {
                await grains.GetGrain<IRunGrain>(TrainerGrainKeys.Run(SweepId, recipient)).AdoptCheckpointAsync(donor, exploit.Epoch);
            }
            catch (Exception error) when (error is not DamagedStateException)
            {
                LogCheckpointCopyFailed(SweepId, donor, recipient, exploit.Epoch, error.Message);
                break;
            }

            book.CopyMade();
        }

        await SaveAsync();
    }

    private Task<TrainerLocation> StartRun(RunRecord run, RunAssignment assignment)
    {
        try
        {
            return grains.GetGrain<IRunGrain>(TrainerGrainKeys.Run(SweepId, run.Id)).StartAsync(assignment);
        }
        catch (Exception error)
        {
            return Task.FromException<TrainerLocation>(error);
        }
    }

    private Task<TrainerLocation> StartGroup(FusedAssignment assignment)
    {
        try
        {
            return grains.GetGrain<IFusedGroupGrain>(TrainerGrainKeys.FusedGroup(SweepId, assignment.GroupId)).StartAsync(assignment);
        }
        catch (Exception error)
        {
            return Task.FromException<TrainerLocation>(error);
        }
    }

    /// <summary>
    /// A trainer's answer to a start request. It runs between the coordinator's turns, so it only records where the
    /// run went; a failed start is settled in a turn of its own, which may write state and dispatch again.
    /// </summary>
    private async Task AnsweredAsync(RunRecord run, int attempt, Task<TrainerLocation> started)
    {
        try
        {
            var location = await started;
            sweep.State.WaitingForTrainersSince = null; // a trainer took it, whatever this silo's view of the cluster says
            // Recorded even when the attempt already ended (a short run can report its last epoch before this answer
            // is handled): it is where that attempt ran.
            if (run.Attempts == attempt)
            {
                (run.Silo, run.SiloAddress) = (location.Name, location.Address);
            }
        }
        catch (Exception error)
        {
            _failedStarts.Add((run, attempt, error));
            _settleTimer ??= this.RegisterGrainTimer(_ => SettleFailedStartsAsync(), TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
        finally
        {
            _starting.Remove((run.Id, attempt));
        }
    }

    private async Task SettleFailedStartsAsync()
    {
        _settleTimer?.Dispose();
        _settleTimer = null;
        var failed = _failedStarts.ToList();
        _failedStarts.Clear();
        var book = Book;
        foreach (var (run, attempt, error) in failed)
        {
            bool current = run.Status == CellStatus.Running && run.Attempts == attempt;
            if (IsNoTrainer(error))
            {
                // The last trainer left between the slot count and the start: wait for the next one, no retry used up.
                NoteTrainers(present: false);
                if (current)
                {
                    book.RequeueLost(run);
                }
            }
            else if (Find<DamagedStateException>(error) is { } damaged)
            {
                if (sweep.State.Status == SweepStatus.Running)
                {
                    CloseActivePeriod();
                    book.Fail(clock.GetUtcNow(), $"the checkpoint of run {run.Id} cannot be read: {damaged.Message} To train " +
                        $"that run again from its first epoch, run 'gridsearch resume {SweepId} --discard-damaged'.");
                }
            }
            else if (Draining(error) is { } draining)
            {
                // Not the run's fault, and not worth a retry on that silo: it is shutting down.
                StopSendingTo(draining.Silo ?? run.SiloAddress);
                if (run.Status == CellStatus.Running && run.Attempts == attempt)
                {
                    book.RequeueLost(run);
                }
            }
            else if (current)
            {
                book.DispatchFailed(run, error.Message);
            }
        }

        await AfterDispatchAsync(book);
    }

    private static SiloDrainingException? Draining(Exception? error) =>
        error is null ? null : error as SiloDrainingException ?? Draining(error.InnerException);

    /// <summary>
    /// A trainer that is shutting down gets no more runs from this coordinator. It stays in the cluster (and in
    /// the placement's view) while it drains, so without this every dispatch round would offer it runs again.
    /// </summary>
    private void StopSendingTo(string? siloAddress)
    {
        if (siloAddress is not null)
        {
            _drainingTrainers.Add(siloAddress);
        }
    }

    /// <summary>Start requests still waiting for their trainer's answer.</summary>
    private Task StartsAnswered() => Task.WhenAll(_starting.Values);

    private async Task AfterDispatchAsync(SweepBook book)
    {
        var now = clock.GetUtcNow();
        if (sweep.State.Status == SweepStatus.Running && book.TrainingDone && !(sweep.State.TestRetryAfter > now)
            && sweep.State.WaitingForTrainersSince is null)
        {
            await FinishTrainingAsync(book);
        }

        if (sweep.State.Status is SweepStatus.Running or SweepStatus.Testing)
        {
            EndWaitingIfTooLong(book, now);
            var next = sweep.State.Status == SweepStatus.Running && book.TrainingDone ? sweep.State.TestRetryAfter : book.NextRetry;
            // Training ends when the time budget runs out, even if no report comes then.
            var budgetEnds = sweep.State.Status == SweepStatus.Running && book.TimeBudgetLeft(ActiveSeconds) is { } left ? now + left : (DateTimeOffset?)null;
            DispatchAgainAt(next is { } retry && budgetEnds is { } end ? (retry < end ? retry : end) : next ?? budgetEnds);
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

        if (sweep.State.Status == SweepStatus.Completed)
        {
            // Completed here without a test (a program with no test command): its runs' checkpoints, and the copies of
            // their folders, are no longer needed, as after a winner's test.
            await ClearCheckpointsAsync();
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

        if (book.Spec.Program is { TestCommand: null })
        {
            // A program's winner is tested by its test command, or not at all: there is no split held here.
            CloseActivePeriod();
            book.BeginTesting();
            book.Complete(clock.GetUtcNow(), testAccuracy: null);
            return;
        }

        book.BeginTesting();
        try
        {
            var test = grains.GetGrain<IWinnerTestGrain>(SweepId);
            if (book.Spec.Program is not null && winner.State.Best is { } best)
            {
                string runId = book.State.Cells.First(c => c.Id == best.CellId).RunId;
                await test.StartProgramTestAsync(book.Data, runId, best.Epoch, best.Parameters);
            }
            else
            {
                await test.StartAsync(book.Data, winner.State.Weights, winner.State.Best?.Parameters);
            }
        }
        catch (Exception error) when (IsNoTrainer(error))
        {
            sweep.State.MoveTo(SweepStatus.Running);
            NoteTrainers(present: false);
        }
        catch (Exception error)
        {
            await TestFailedAsync(error.Message);
        }
    }

    /// <summary>
    /// The winner's test failed: tried again after a backoff, like a run, up to the spec's retry limit; then the
    /// sweep fails saying why.
    /// </summary>
    private Task TestFailedAsync(string? error)
    {
        var now = clock.GetUtcNow();
        sweep.State.TestFailures++;
        if (sweep.State.TestFailures <= Book.Spec.RetriesPerRun)
        {
            sweep.State.MoveTo(SweepStatus.Running);
            sweep.State.TestRetryAfter = now + RetryBackoff.For($"{SweepId}#test", sweep.State.TestFailures);
            LogTestRetried(SweepId, sweep.State.TestFailures, error);
            DispatchAgainAt(sweep.State.TestRetryAfter);
            return Task.CompletedTask;
        }

        CloseActivePeriod();
        Book.Fail(now, $"testing the winner failed after {sweep.State.TestFailures} attempt(s): {error}");
        return Task.CompletedTask;
    }

    /// <summary>
    /// Records whether a trainer is there to take work. With none, a sweep that has work left waits (status and
    /// metrics say so) and goes on when one joins; <see cref="CoordinatorOptions.NoTrainerTimeout"/> may end the wait.
    /// </summary>
    private void NoteTrainers(bool present)
    {
        if (present)
        {
            sweep.State.WaitingForTrainersSince = null;
        }
        else if (sweep.State.WaitingForTrainersSince is null && sweep.State.Status is SweepStatus.Running or SweepStatus.Testing)
        {
            sweep.State.WaitingForTrainersSince = clock.GetUtcNow();
            LogWaitingForTrainers(SweepId);
        }
    }

    private void EndWaitingIfTooLong(SweepBook book, DateTimeOffset now)
    {
        if (sweep.State.WaitingForTrainersSince is { } since && options.Value.NoTrainerTimeout is { } limit && now - since >= limit)
        {
            CloseActivePeriod();
            book.Fail(now, $"{NoTrainerMessage} The sweep waited {limit} for one (GridSearch:Coordinator:NoTrainerTimeout).");
        }
    }

    /// <summary>Dispatches again when a run's (or the winner test's) retry backoff ends, unless a dispatch comes sooner.</summary>
    private void DispatchAgainAt(DateTimeOffset? at)
    {
        if (at is not { } when)
        {
            return;
        }

        var delay = when - clock.GetUtcNow();
        _retryTimer?.Dispose();
        _retryTimer = this.RegisterGrainTimer(_ =>
        {
            _retryTimer?.Dispose();
            _retryTimer = null;
            return Unfinished ? DispatchAsync() : Task.CompletedTask; // the sweep may have ended meanwhile
        }, delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// This round's slot accounting: the active trainers and their slots, whether runs are short (then a run is
    /// queued per slot while enough are pending), the runs already out on each, and the sweep's own limit.
    /// </summary>
    private TrainerSlots Slots()
    {
        var finished = sweep.State.Runs.Where(r => r is { StartedAt: not null, FinishedAt: not null }).Take(64).ToList();
        // Until a run has finished its length is unknown: queue one per slot from the start, so no slot waits for
        // the coordinator after the first runs; once runs turn out long, each trainer gets only what it can run.
        bool shortRuns = finished.Count == 0
                           || finished.Average(r => r.WallSeconds)
                           < options.Value.QueueTrialsShorterThan.TotalSeconds;
        var trainers = TrainerMetadata.ActiveTrainers(membership, siloMetadata);
        _drainingTrainers.IntersectWith(trainers.Select(t => t.Silo.ToParsableString())); // gone: nothing to avoid
        // A fused group takes one slot, however many of its runs it trains.
        return new TrainerSlots(trainers.Where(t => !_drainingTrainers.Contains(t.Silo.ToParsableString())),
            sweep.State.Runs.Where(r => r.Status == CellStatus.Running).DistinctBy(r => r.Group ?? r.Id), shortRuns,
            sweep.State.Runs.Where(r => r.Status == CellStatus.Pending).DistinctBy(r => r.Group ?? r.Id).Count(),
            sweep.State.Spec?.MaxConcurrent ?? 0);
    }

    private async Task ClearCheckpointsAsync()
    {
        foreach (var run in sweep.State.Runs)
        {
            try
            {
                await grains.GetGrain<IRunGrain>(TrainerGrainKeys.Run(SweepId, run.Id)).ClearCheckpointAsync();
            }
            catch (Exception error)
            {
                LogCancelFailed(SweepId, run.Id, error);
            }
        }
    }
}

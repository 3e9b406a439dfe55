using GridSearch.Trainer.Metrics;
using GridSearch.Grains.Diagnostics;
using System.Diagnostics;
using GridSearch.Abstractions;
using GridSearch.Trainer.Execution;
using GridSearch.Grains.Metrics;

namespace GridSearch.Trainer.Grains;

/// <summary>
/// The work a trainer slot does for one run: resume from the checkpoint when there is one, train, and after each
/// epoch store the checkpoint first and then tell the coordinator. In that order a crash between the two loses
/// nothing: the next attempt re-reports the checkpointed epoch instead of training it again. Reports go out in
/// order but off the slot's thread: the next epoch trains while the last one's checkpoint is written, with at most
/// one epoch's reports in flight, and the slot moves to its next run while the final report is delivered.
/// </summary>
internal sealed class RunJob(RunAssignment assignment, RunCheckpoint? checkpoint, IRunTrainer runner, IGrainFactory grains,
    TrainerMetrics instruments, Func<bool> draining, TrainerLocation trainer, IHoldPoints holds) : IRunProgress
{
    private readonly ITrainerReports _reports = grains.GetGrain<ITrainerReports>(assignment.SweepId);
    private readonly IRunGrain _trial = grains.GetGrain<IRunGrain>(TrainerGrainKeys.Run(assignment.SweepId, assignment.RunId));
    private RunCheckpoint? _checkpoint;
    private readonly long _queuedSince = Stopwatch.GetTimestamp();
    private double _queuedSeconds;
    private Task _reporting = Task.CompletedTask;
    private bool _completionReported;

    /// <summary>Trains on the calling slot thread; the returned task completes when every report is delivered.</summary>
    public Task Run(CancellationToken cancellation)
    {
        RunOutcome outcome;
        string? error = null;
        try
        {
            var start = Begin();
            if (HasWorkLeft)
            {
                runner.Train(assignment, start, this, cancellation);
            }

            outcome = RunOutcome.Completed;
        }
        catch (Exception stopped)
        {
            (outcome, error) = OutcomeOf(stopped, cancellation);
        }

        return Finish(outcome, error);
    }

    public RunAssignment Assignment => assignment;

    /// <summary>
    /// Starts the run on its slot: ends its wait in the queue, resends the epochs its checkpoint holds and the
    /// coordinator has not recorded, and returns where training resumes (null: from its initial weights).
    /// </summary>
    public RunCheckpoint? Begin()
    {
        _queuedSeconds = Stopwatch.GetElapsedTime(_queuedSince).TotalSeconds;
        ThrowIfDraining();
        RunCheckpoint? start = Usable(checkpoint);
        foreach (var epoch in start?.History.Where(e => e.Epoch > assignment.RecordedEpochs) ?? [])
        {
            // Epochs the coordinator has not recorded: sent again from the checkpoint, never trained again. The
            // last and the best epoch carry their weights, so whichever becomes the winner has them.
            float[] weights = start!.WeightsAfter(epoch.Epoch);
            Report(() => TrainerReportsCaller.CallAsync(() =>
                _reports.RecordEpochAsync(assignment.RunId, assignment.Attempt, epoch, weights, replayed: true)));
        }

        _checkpoint = start;
        return start;
    }

    /// <summary>Whether epochs remain to be trained after <see cref="Begin"/>.</summary>
    public bool HasWorkLeft => _checkpoint is null || _checkpoint.Epoch < assignment.Epochs;

    /// <summary>How an attempt that threw ends: cancelled (by the user or a draining silo), reports lost, or failed.</summary>
    public static (RunOutcome Outcome, string? Error) OutcomeOf(Exception stopped, CancellationToken cancellation) => stopped switch
    {
        // Cancelled by the user, or this silo is shutting down: the coordinator tells the two apart.
        SiloDrainingException => (RunOutcome.Cancelled, null),
        OperationCanceledException when cancellation.IsCancellationRequested => (RunOutcome.Cancelled, null),
        ReportsLostException lost => (RunOutcome.ReportsLost, lost.Message),
        GridSearch.Training.Trainer.TrainingDivergedException => (RunOutcome.Diverged, stopped.Message),
        _ => (RunOutcome.Failed, Describe(stopped)),
    };

    /// <summary>Ends the attempt: waits for its reports in flight, then tells the coordinator how it ended (unless the last report did).</summary>
    public Task Finish(RunOutcome outcome, string? error) => FinishAsync(_reporting, outcome, error);

    private async Task FinishAsync(Task reporting, RunOutcome outcome, string? error)
    {
        try
        {
            await reporting;
        }
        catch (Exception lost)
        {
            // Not the run's fault: it goes back to the queue and resumes from its checkpoint, no retry used up. (If the
            // coordinator does not hear this either, it finds the run gone and does the same.)
            if (outcome is not (RunOutcome.Failed or RunOutcome.Diverged))
            {
                outcome = RunOutcome.ReportsLost;
                error = $"a progress report was lost: {lost.Message}";
            }
        }

        if (outcome == RunOutcome.Completed && _completionReported && error is null)
        {
            return; // the last epoch's report said so already
        }

        await TrainerReportsCaller.CallAsync(() => _reports.RunFinishedAsync(assignment.RunId, assignment.Attempt, outcome, error, _queuedSeconds, trainer));
    }

    /// <summary>
    /// Waits for the previous epoch's reports (surfacing their failure), then starts these. When the previous reports
    /// failed (the coordinator's silo died, say), <paramref name="keep"/> still stores what this epoch trained before
    /// the failure ends the attempt, so the next attempt resumes after it instead of training it again.
    /// </summary>
    private void Report(Func<Task> reports, Func<Task>? keep = null)
    {
        try
        {
            _reporting.GetAwaiter().GetResult();
        }
        catch (Exception lost)
        {
            keep?.Invoke().GetAwaiter().GetResult();
            throw new ReportsLostException(lost);
        }

        _reporting = reports();
    }

    public void Batch(int epoch, int batch, int samples)
    {
        instruments.SamplesTrained(assignment.SweepId, samples);
        if (holds.Enabled)
        {
            holds.Reach($"mid-epoch:{epoch}:{batch}");
        }
    }

    public void Epoch(EpochMetrics metrics, float[] weights, byte[]? optimizerState = null, float[]? fusedMomentum = null)
    {
        instruments.EpochTrained(assignment.SweepId, metrics);
        var next = _checkpoint = RunCheckpoint.After(_checkpoint, assignment.Attempt, metrics, weights, assignment.Incarnation,
            optimizerState, fusedMomentum, assignment.Data.TestedBy);
        Func<Task> keep = () => TrainerReportsCaller.CallAsync(() => _trial.SaveCheckpointAsync(next));
        Report(async () =>
        {
            await keep();
            holds.Reach($"after-checkpoint:{metrics.Epoch}");
            if (metrics.Epoch == assignment.Epochs && !draining())
            {
                await TrainerReportsCaller.CallAsync(() => _reports.RecordFinalEpochAsync(assignment.RunId, assignment.Attempt, metrics, weights, _queuedSeconds, trainer));
                _completionReported = true;
            }
            else
            {
                await TrainerReportsCaller.CallAsync(() => _reports.RecordEpochAsync(assignment.RunId, assignment.Attempt, metrics, weights, replayed: false));
            }
        }, keep);
        ThrowIfDraining();
    }

    // Checked at epoch boundaries only, so a shutting-down silo hands over runs with their last epoch checkpointed.
    private void ThrowIfDraining()
    {
        if (draining())
        {
            throw new SiloDrainingException();
        }
    }

    // A checkpoint belongs to this run when it was written for this sweep incarnation (not by an earlier sweep that had
    // the same id) and its history is the run's epochs 1..E in order, E within the run. Anything else is trained over.
    private RunCheckpoint? Usable(RunCheckpoint? candidate) =>
        candidate is { History.Length: > 0 } && candidate.Incarnation == assignment.Incarnation
        && candidate.Epoch <= assignment.Epochs
        && candidate.History.Select(e => e.Epoch).SequenceEqual(Enumerable.Range(1, candidate.History.Length))
            ? candidate
            : null;

    private static string Describe(Exception error) =>
        error is OutOfMemoryException || error.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
            ? $"out of memory: {error.Message}"
            : error.Message;
}

/// <summary>An epoch's reports could not be delivered (the coordinator's silo is down): the attempt ends, not failed.</summary>
internal sealed class ReportsLostException(Exception lost) : Exception($"a progress report was lost: {lost.Message}", lost);

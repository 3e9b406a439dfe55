using GridSearch.Abstractions;
using GridSearch.Grains.Execution;
using GridSearch.Grains.Metrics;

namespace GridSearch.Grains.Trials;

/// <summary>
/// The work a trainer slot does for one run: resume from the checkpoint when there is one, train, and after each
/// epoch store the checkpoint first and then tell the coordinator. In that order a crash between the two loses
/// nothing: the next attempt re-reports the checkpointed epoch instead of training it again.
/// </summary>
internal sealed class TrialJob(TrialAssignment assignment, TrialCheckpoint? checkpoint, ITrialRunner runner, IGrainFactory grains,
    GridSearchMetrics instruments, Func<bool> draining) : ITrialProgress
{
    private readonly ITrainerReports _reports = grains.GetGrain<ITrainerReports>(assignment.SweepId);
    private readonly ITrialGrain _trial = grains.GetGrain<ITrialGrain>(TrialGrain.Key(assignment.SweepId, assignment.RunId));

    public void Run(CancellationToken cancellation)
    {
        RunOutcome outcome;
        string? error = null;
        try
        {
            ThrowIfDraining();
            TrialCheckpoint? start = Usable(checkpoint);
            if (start is not null && start.Epoch > assignment.RecordedEpochs)
            {
                TrainerReportsCaller.Call(() => _reports.RecordEpochAsync(assignment.RunId, assignment.Attempt, start.Metrics, start.Weights, replayed: true));
            }

            if (start is null || start.Epoch < assignment.Epochs)
            {
                runner.Train(assignment, start, this, cancellation);
            }

            outcome = RunOutcome.Completed;
        }
        catch (Exception stopped) when (stopped is SiloDrainingException
                                        || (stopped is OperationCanceledException && cancellation.IsCancellationRequested))
        {
            // Cancelled by the user, or this silo is shutting down: the coordinator tells the two apart.
            outcome = RunOutcome.Cancelled;
        }
        catch (Exception failure)
        {
            outcome = RunOutcome.Failed;
            error = Describe(failure);
        }

        TrainerReportsCaller.Call(() => _reports.RunFinishedAsync(assignment.RunId, assignment.Attempt, outcome, error));
    }

    public void Batch(int epoch, int batch, int samples)
    {
        instruments.SamplesTrained(assignment.SweepId, samples);
        if (HoldPoints.Enabled)
        {
            HoldPoints.Reach($"mid-epoch:{epoch}:{batch}");
        }
    }

    public void Epoch(EpochMetrics metrics, float[] weights)
    {
        instruments.EpochTrained(assignment.SweepId, metrics);
        var next = new TrialCheckpoint(assignment.Attempt, metrics, weights);
        TrainerReportsCaller.Call(() => _trial.SaveCheckpointAsync(next));
        HoldPoints.Reach($"after-checkpoint:{metrics.Epoch}");
        TrainerReportsCaller.Call(() => _reports.RecordEpochAsync(assignment.RunId, assignment.Attempt, metrics, weights, replayed: false));
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

    // A checkpoint ahead of what the coordinator recorded by more than one epoch cannot come from this protocol;
    // starting over is then the safe choice.
    private TrialCheckpoint? Usable(TrialCheckpoint? candidate) =>
        candidate is not null && candidate.Epoch <= assignment.Epochs && candidate.Epoch <= assignment.RecordedEpochs + 1
            ? candidate
            : null;

    private static string Describe(Exception error) =>
        error is OutOfMemoryException || error.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
            ? $"out of memory: {error.Message}"
            : error.Message;
}

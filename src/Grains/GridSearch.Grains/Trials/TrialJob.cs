using GridSearch.Grains.Execution;

namespace GridSearch.Grains.Trials;

/// <summary>
/// The work a trainer slot does for one run: resume from the checkpoint when there is one, train, and after each
/// epoch store the checkpoint first and then tell the coordinator. In that order a crash between the two loses
/// nothing: the next attempt re-reports the checkpointed epoch instead of training it again.
/// </summary>
internal static class TrialJob
{
    public static void Run(TrialAssignment assignment, TrialCheckpoint? checkpoint, ITrialRunner runner,
        IGrainFactory grains, CancellationToken cancellation)
    {
        var reports = grains.GetGrain<ITrainerReports>(assignment.SweepId);
        var trial = grains.GetGrain<ITrialGrain>(TrialGrain.Key(assignment.SweepId, assignment.RunId));
        RunOutcome outcome;
        string? error = null;
        try
        {
            TrialCheckpoint? start = Usable(checkpoint, assignment);
            if (start is not null && start.Epoch > assignment.RecordedEpochs)
            {
                TrainerReportsCaller.Call(() => reports.RecordEpochAsync(assignment.RunId, assignment.Attempt, start.Metrics, start.Weights));
            }

            if (start is null || start.Epoch < assignment.Epochs)
            {
                runner.Train(assignment, start, (metrics, weights) =>
                {
                    var next = new TrialCheckpoint(assignment.Attempt, metrics, weights);
                    TrainerReportsCaller.Call(() => trial.SaveCheckpointAsync(next));
                    TrainerReportsCaller.Call(() => reports.RecordEpochAsync(assignment.RunId, assignment.Attempt, metrics, weights));
                }, cancellation);
            }

            outcome = RunOutcome.Completed;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            outcome = RunOutcome.Cancelled;
        }
        catch (Exception failure)
        {
            outcome = RunOutcome.Failed;
            error = Describe(failure);
        }

        TrainerReportsCaller.Call(() => reports.RunFinishedAsync(assignment.RunId, assignment.Attempt, outcome, error));
    }

    // A checkpoint ahead of what the coordinator recorded by more than one epoch cannot come from this protocol;
    // starting over is then the safe choice.
    private static TrialCheckpoint? Usable(TrialCheckpoint? checkpoint, TrialAssignment assignment) =>
        checkpoint is not null && checkpoint.Epoch <= assignment.Epochs && checkpoint.Epoch <= assignment.RecordedEpochs + 1
            ? checkpoint
            : null;

    private static string Describe(Exception error) => error switch
    {
        OutOfMemoryException => $"out of memory: {error.Message}",
        _ when error.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase) => $"out of memory: {error.Message}",
        _ => error.Message,
    };
}

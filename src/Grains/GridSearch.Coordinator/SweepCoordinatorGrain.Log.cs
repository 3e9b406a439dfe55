using GridSearch.Abstractions;
using Microsoft.Extensions.Logging;

namespace GridSearch.Coordinator;

// Log messages.
public sealed partial class SweepCoordinatorGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId} started: {Cells} cells in {Runs} runs")]
    private partial void LogStarted(string sweepId, int cells, int runs);

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {SweepId} is waiting for a trainer silo: none is active in the cluster")]
    private partial void LogWaitingForTrainers(string sweepId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {SweepId}: damaged checkpoint of run {RunId} discarded; the run trains again from its first epoch")]
    private partial void LogCheckpointDiscarded(string sweepId, string runId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId}: the scheduler stopped every cell of run {RunId}; stopping it on its trainer")]
    private partial void LogRunStopped(string sweepId, string runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {SweepId}: could not copy run {Donor}'s checkpoint after epoch {Epoch} to run {Recipient} (population-based training); trying again: {Error}")]
    private partial void LogCheckpointCopyFailed(string sweepId, string donor, string recipient, int epoch, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId} deleted")]
    private partial void LogDeleted(string sweepId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {SweepId}: testing the winner failed (attempt {Attempt}), trying again: {Error}")]
    private partial void LogTestRetried(string sweepId, int attempt, string? error);
}

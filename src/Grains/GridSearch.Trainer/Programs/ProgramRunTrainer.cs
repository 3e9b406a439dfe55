using System.Diagnostics;
using GridSearch.Abstractions;
using GridSearch.Trainer.Execution;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GridSearch.Trainer.Programs;

/// <summary>
/// Runs of a user's own program: each attempt starts the program with the cell's values, reads its reports, and stores
/// its run folder with every reported epoch, so a retry, a resume or another trainer continues from the last report.
/// The program reads its own data: there is no data set to load or test here.
/// </summary>
public sealed partial class ProgramRunTrainer(
    IOptions<TrainerSiloOptions> options, ProgramGpuPool gpus, RunFolderStore copies, ILogger<ProgramRunTrainer> logger)
{
    /// <summary>The metrics that also fill the built-in fields, so views read them as for built-in runs.</summary>
    public const string ValidationAccuracyMetric = Objective.ValidationAccuracy;

    public const string TrainLossMetric = Objective.TrainLoss;

    public static DatasetSummary Describe(DataRequest data) => new(data.Root, [], 0, 0, 0, 0, [], 0, false);

    public void Train(RunAssignment assignment, RunCheckpoint? start, IRunProgress progress, CancellationToken cancellation)
    {
        var program = assignment.Data.Program ?? throw new InvalidOperationException("the assignment names no program");
        ThrowIfNotAllowed(options.Value, "command");

        // Devices are taken before the attempt's clock starts: waiting for a free GPU is not the program's time.
        using var devices = gpus.Acquire(program.Gpus, program.GpuMemoryBytes, cancellation);
        var folder = new RunFolder(Path.Combine(options.Value.EffectiveRunFolders, RunFolder.Sanitized(assignment.SweepId), RunFolder.Sanitized(assignment.RunId)));
        int startEpoch = start?.Epoch ?? 0;
        copies.Restore(folder, assignment.SweepId, assignment.RunId, start, startEpoch);
        var launch = ProgramLaunches.For(program, assignment.Parameters.Values,
            new ProgramRunContext(assignment.RunId, assignment.Data.Seed, assignment.Epochs, folder.Path, assignment.Data.Root,
                gpus.VisibleDevicesFor(program, devices)), Environment.GetEnvironmentVariables());
        var attempt = new ProgramAttempt(launch, new ProgramLimits(program.Timeout, program.ReportTimeout), startEpoch, assignment.Epochs,
            assignment.Data.Metric ?? Objective.ValidationAccuracy);

        try
        {
            RunAttempt(assignment, start, progress, folder, attempt, cancellation);
        }
        finally
        {
            // The copy that counts is in the run's checkpoint; the next attempt, here or anywhere, restores from it.
            folder.Delete();
        }
    }

    private void RunAttempt(RunAssignment assignment, RunCheckpoint? start, IRunProgress progress, RunFolder folder, ProgramAttempt attempt,
        CancellationToken cancellation)
    {
        var epochStarted = Stopwatch.StartNew();
        var history = new List<EpochMetrics>(start?.History ?? []);
        var testedBy = assignment.Data.TestedBy;
        var outcome = attempt.RunAsync(report =>
        {
            double seconds = epochStarted.Elapsed.TotalSeconds;
            epochStarted.Restart();
            var metrics = new EpochMetrics(report.Epoch, report.Metrics.GetValueOrDefault(TrainLossMetric, double.NaN),
                report.Metrics.GetValueOrDefault(ValidationAccuracyMetric, double.NaN), seconds, 0)
            {
                Reported = new Dictionary<string, double>(report.Metrics),
            };
            history.Add(metrics);
            // The folder as this report left it is the epoch's checkpoint: copied before the coordinator hears of it.
            progress.Epoch(metrics, [], copies.Save(folder, assignment.SweepId, assignment.RunId, report.Epoch));
            // The previous epoch's checkpoint is stored by now, this one's may still be on its way: their copies stay, and
            // the best epoch's for a test command.
            copies.Prune(assignment.SweepId, assignment.RunId,
                [report.Epoch - 1, report.Epoch, .. testedBy is null ? Array.Empty<int>() : [RunCheckpoint.BestEpochBy(history, testedBy)]]);
        }, line => LogProgramLine(logger, assignment.RunId, line), cancellation).GetAwaiter().GetResult();

        switch (outcome.End)
        {
            case ProgramEnd.Exited:
                return;
            case ProgramEnd.Stopped:
                throw new OperationCanceledException(cancellation);
            default:
                throw new ProgramFailedException(outcome.Message);
        }
    }

    /// <summary>Refuses to run a sweep's code on a trainer whose operator has not allowed it.</summary>
    public static void ThrowIfNotAllowed(TrainerSiloOptions trainer, string what)
    {
        if (!trainer.AllowPrograms)
        {
            throw new InvalidOperationException(
                $"this trainer does not run programs: a sweep's {what} is code run on the trainer, so its operator must allow " +
                "it (GridSearch:Trainer:AllowPrograms=true)");
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{RunId}: {Line}")]
    internal static partial void LogProgramLine(ILogger logger, string runId, string line);
}

/// <summary>An attempt of a user's program failed: it exited with an error, broke the report contract, or ran out of time.</summary>
public sealed class ProgramFailedException(string message) : Exception(message);

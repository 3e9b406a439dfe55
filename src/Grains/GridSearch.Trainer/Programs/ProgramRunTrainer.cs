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
        if (!options.Value.AllowPrograms)
        {
            throw new InvalidOperationException(
                "this trainer does not run programs: a sweep's command is code run on the trainer, so its operator must allow " +
                "it (GridSearch:Trainer:AllowPrograms=true)");
        }

        // Devices are taken before the attempt's clock starts: waiting for a free GPU is not the program's time.
        using var devices = gpus.Acquire(program.Gpus, program.GpuMemoryBytes, cancellation);
        var folder = new RunFolder(Path.Combine(options.Value.EffectiveRunFolders, RunFolder.Sanitized(assignment.SweepId), RunFolder.Sanitized(assignment.RunId)));
        int startEpoch = start?.Epoch ?? 0;
        copies.Restore(folder, assignment.SweepId, assignment.RunId, start, startEpoch);
        var launch = ProgramLaunches.For(program, assignment.Parameters.Values,
            new ProgramRunContext(assignment.RunId, assignment.Data.Seed, assignment.Epochs, folder.Path, assignment.Data.Root,
                VisibleDevicesFor(program, devices)), Environment.GetEnvironmentVariables());
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

    /// <summary>
    /// Runs the test command for the winner in a folder restored from the copy of its run folder at its best epoch
    /// (<paramref name="checkpoint"/>: the run's) and returns what it reported.
    /// </summary>
    public IReadOnlyDictionary<string, double> Test(ProgramTest test, RunCheckpoint? checkpoint, CancellationToken cancellation)
    {
        var program = test.Data.Program ?? throw new InvalidOperationException("the test names no program");
        var command = program.TestCommand ?? throw new InvalidOperationException("the program has no test command");
        if (!options.Value.AllowPrograms)
        {
            throw new InvalidOperationException(
                "this trainer does not run programs: a sweep's test command is code run on the trainer, so its operator must allow " +
                "it (GridSearch:Trainer:AllowPrograms=true)");
        }

        using var devices = gpus.Acquire(program.Gpus, program.GpuMemoryBytes, cancellation);
        // A folder of its own beside the runs' folders, so a test never writes into a run's.
        var folder = new RunFolder(Path.Combine(options.Value.EffectiveRunFolders, RunFolder.Sanitized(test.SweepId), RunFolder.Sanitized(test.RunId) + ".test"));
        if (checkpoint is null || checkpoint.Epoch < test.Epoch)
        {
            throw new InvalidOperationException($"run {test.RunId} has no checkpoint of epoch {test.Epoch}, the winner's: its folder cannot be tested");
        }

        copies.Restore(folder, test.SweepId, test.RunId, checkpoint, test.Epoch);
        var launch = ProgramLaunches.For(program with { Command = command }, test.Cell.Values,
            new ProgramRunContext(test.RunId, test.Data.Seed, test.Epoch, folder.Path, test.Data.Root, VisibleDevicesFor(program, devices)),
            Environment.GetEnvironmentVariables());
        var reported = new Dictionary<string, double>(StringComparer.Ordinal);
        try
        {
            var outcome = ProgramAttempt.ForTest(launch, new ProgramLimits(program.Timeout, program.ReportTimeout))
                .RunAsync(report =>
                {
                    foreach (var (name, value) in report.Metrics)
                    {
                        reported[name] = value;
                    }
                }, line => LogProgramLine(logger, test.RunId + " (test)", line), cancellation)
                .GetAwaiter().GetResult();
            return outcome.End switch
            {
                ProgramEnd.Exited => reported,
                ProgramEnd.Stopped => throw new OperationCanceledException(cancellation),
                _ => throw new ProgramFailedException("the test command failed: " + outcome.Message),
            };
        }
        finally
        {
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

    // A run that asked for no GPU sees none where this trainer hands devices out, so it cannot train on another run's
    // device; unless the sweep chose its devices itself (env: CUDA_VISIBLE_DEVICES). Elsewhere the variable stays as it is.
    private string? VisibleDevicesFor(ProgramSpec program, ProgramGpuPool.Lease devices) =>
        program.Gpus > 0 ? devices.VisibleDevices
        : gpus.Devices.Count > 0 && !program.Environment.ContainsKey(ProgramGpuDiscovery.VisibleDevicesVariable) ? ""
        : null;

    [LoggerMessage(Level = LogLevel.Debug, Message = "{RunId}: {Line}")]
    private static partial void LogProgramLine(ILogger logger, string runId, string line);

}

/// <summary>The winner's test: its run (whose folder at <paramref name="Epoch"/> the test command gets) and winning cell.</summary>
public sealed record ProgramTest(string SweepId, string RunId, int Epoch, CellParameters Cell, DataRequest Data);

/// <summary>An attempt of a user's program failed: it exited with an error, broke the report contract, or ran out of time.</summary>
public sealed class ProgramFailedException(string message) : Exception(message);

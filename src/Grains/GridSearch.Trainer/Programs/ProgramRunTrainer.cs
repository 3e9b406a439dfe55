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
public sealed partial class ProgramRunTrainer(IOptions<TrainerSiloOptions> options, ProgramGpuPool gpus, ILogger<ProgramRunTrainer> logger)
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
        var folder = new RunFolder(Path.Combine(options.Value.EffectiveRunFolders, Sanitized(assignment.SweepId), Sanitized(assignment.RunId)),
            options.Value.MaxRunFolderBytes);
        folder.Restore(start?.OptimizerState);
        int startEpoch = start?.Epoch ?? 0;
        var launch = ProgramLaunches.For(program, assignment.Parameters.Values,
            new ProgramRunContext(assignment.RunId, assignment.Data.Seed, assignment.Epochs, folder.Path, assignment.Data.Root,
                VisibleDevicesFor(program, devices)), Environment.GetEnvironmentVariables());
        var attempt = new ProgramAttempt(launch, new ProgramLimits(program.Timeout, program.ReportTimeout), startEpoch, assignment.Epochs,
            assignment.Data.Metric ?? Objective.ValidationAccuracy);

        try
        {
            RunAttempt(assignment, progress, folder, attempt, cancellation);
        }
        finally
        {
            // The copy that counts is in the run's checkpoint; the next attempt, here or anywhere, restores from it.
            folder.Delete();
        }
    }

    /// <summary>
    /// Runs the test command for the winner in a folder restored from <paramref name="folderArchive"/> (the winner's run
    /// folder at its best epoch) and returns what it reported.
    /// </summary>
    public IReadOnlyDictionary<string, double> Test(ProgramTest test, byte[] folderArchive, CancellationToken cancellation)
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
        var folder = new RunFolder(Path.Combine(options.Value.EffectiveRunFolders, Sanitized(test.SweepId), Sanitized(test.RunId) + ".test"),
            options.Value.MaxRunFolderBytes);
        folder.Restore(folderArchive);
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

    private void RunAttempt(RunAssignment assignment, IRunProgress progress, RunFolder folder, ProgramAttempt attempt, CancellationToken cancellation)
    {
        var epochStarted = Stopwatch.StartNew();
        var outcome = attempt.RunAsync(report =>
        {
            double seconds = epochStarted.Elapsed.TotalSeconds;
            epochStarted.Restart();
            var metrics = new EpochMetrics(report.Epoch, report.Metrics.GetValueOrDefault(TrainLossMetric, double.NaN),
                report.Metrics.GetValueOrDefault(ValidationAccuracyMetric, double.NaN), seconds, 0)
            {
                Reported = new Dictionary<string, double>(report.Metrics),
            };
            // The folder as this report left it is the epoch's checkpoint: stored before the coordinator hears of it.
            progress.Epoch(metrics, [], folder.Archive());
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

    // Sweep and run ids are the coordinator's (letters, digits, '.', '-', '_'); anything else cannot name a folder.
    private static string Sanitized(string id) =>
        new(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray());
}

/// <summary>The winner's test: its run (whose folder at <paramref name="Epoch"/> the test command gets) and winning cell.</summary>
public sealed record ProgramTest(string SweepId, string RunId, int Epoch, CellParameters Cell, DataRequest Data);

/// <summary>An attempt of a user's program failed: it exited with an error, broke the report contract, or ran out of time.</summary>
public sealed class ProgramFailedException(string message) : Exception(message);

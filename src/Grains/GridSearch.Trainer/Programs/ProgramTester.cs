using GridSearch.Abstractions;
using GridSearch.Trainer.Execution;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GridSearch.Trainer.Programs;

/// <summary>
/// The winner's test for a user's program: its <c>test_command</c>, run once on a trainer in a copy of the winner's
/// run folder as it was at its best epoch, with the winning cell's values; what it reports is the sweep's test.
/// </summary>
public sealed class ProgramTester(IOptions<TrainerSiloOptions> options, ProgramGpuPool gpus, RunFolderStore copies, ILogger<ProgramTester> logger)
{
    /// <summary>
    /// Runs the test command for the winner in a folder restored from the copy of its run folder at its best epoch
    /// (<paramref name="checkpoint"/>: the run's) and returns what it reported.
    /// </summary>
    public IReadOnlyDictionary<string, double> Test(ProgramTest test, RunCheckpoint? checkpoint, CancellationToken cancellation)
    {
        var program = test.Data.Program ?? throw new InvalidOperationException("the test names no program");
        var command = program.TestCommand ?? throw new InvalidOperationException("the program has no test command");
        ProgramRunTrainer.ThrowIfNotAllowed(options.Value, "test command");

        using var devices = gpus.Acquire(program.Gpus, program.GpuMemoryBytes, cancellation);
        // A folder of its own beside the runs' folders, so a test never writes into a run's.
        var folder = new RunFolder(Path.Combine(options.Value.EffectiveRunFolders, RunFolder.Sanitized(test.SweepId), RunFolder.Sanitized(test.RunId) + ".test"));
        if (checkpoint is null || checkpoint.Epoch < test.Epoch)
        {
            throw new InvalidOperationException($"run {test.RunId} has no checkpoint of epoch {test.Epoch}, the winner's: its folder cannot be tested");
        }

        copies.Restore(folder, test.SweepId, test.RunId, checkpoint, test.Epoch);
        var launch = ProgramLaunches.For(program with { Command = command }, test.Cell.Values,
            new ProgramRunContext(test.RunId, test.Data.Seed, test.Epoch, folder.Path, test.Data.Root, gpus.VisibleDevicesFor(program, devices)),
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
                }, line => ProgramRunTrainer.LogProgramLine(logger, test.RunId + " (test)", line), cancellation)
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
}

/// <summary>The winner's test: its run (whose folder at <paramref name="Epoch"/> the test command gets) and winning cell.</summary>
public sealed record ProgramTest(string SweepId, string RunId, int Epoch, CellParameters Cell, DataRequest Data);

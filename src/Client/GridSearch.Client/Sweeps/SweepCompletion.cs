using System.Text.Json;
using GridSearch.Abstractions;
using GridSearch.Client.Output;
using GridSearch.Client.Results;

namespace GridSearch.Client.Sweeps;

/// <summary>What run, resume and watch do once a sweep has ended: write its files, report it, choose the exit code.</summary>
public static class SweepCompletion
{
    /// <summary>
    /// Follows a sweep live until it ends, then finishes it (<see cref="FinishAsync"/>) into <paramref name="outDirectory"/>
    /// or ./runs/SWEEP. The plotting stack loads while the sweep runs, so curves.png costs nothing extra at the end.
    /// </summary>
    public static async Task<int> FollowAndFinishAsync(ISweepCoordinatorGrain coordinator, string sweepId, string? outDirectory,
        CliOutput output, bool json, CancellationToken cancellation, SweepSnapshot? alreadyShown = null)
    {
        _ = CurvesPlot.WarmUpAsync();
        var final = await new SweepWatcher(coordinator, output, alreadyShown).WatchAsync(cancellation);
        return await FinishAsync(coordinator, final, outDirectory ?? DefaultOut(sweepId), output, json);
    }

    public static async Task<int> FinishAsync(ISweepCoordinatorGrain coordinator, SweepSnapshot sweep, string outDirectory,
        CliOutput output, bool json)
    {
        var winner = await OutageTolerance.CallAsync(coordinator.GetWinnerWeightsAsync, output);
        var files = ResultsExporter.Write(sweep, winner, outDirectory);
        if (json)
        {
            await output.WriteResultsAsync(sweep);
        }
        else
        {
            SweepSummaryView.Render(output.Human, sweep);
        }

        output.Human.WriteLine($"Results in {Path.GetFullPath(outDirectory)}: {string.Join(", ", files.Select(Path.GetFileName))}");
        return ExitCodeOf(sweep.Status);
    }

    public static int ExitCodeOf(SweepStatus status) => status switch
    {
        SweepStatus.Completed => ExitCodes.Completed,
        SweepStatus.Cancelled => ExitCodes.Cancelled,
        _ => ExitCodes.FailedOrInvalidInput,
    };

    public static string DefaultOut(string sweepId) => Path.GetFullPath(Path.Combine("runs", sweepId));
}

using GridSearch.Abstractions;
using GridSearch.Client.Hosting;
using GridSearch.Client.Output;
using GridSearch.Client.Results;
using GridSearch.Client.Sweeps;
using Spectre.Console.Cli;

namespace GridSearch.Client.Commands;

/// <summary><c>gridsearch export SWEEP --out DIR</c>: writes a sweep's files from its durable state.</summary>
public sealed class ExportCommand : AsyncCommand<ExportSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ExportSettings settings, CancellationToken cancellationToken)
    {
        var output = CliOutput.For(settings.Json);
        await using var connection = await SweepConnections.OpenAsync(settings, output, cancellationToken);
        var sweep = await SweepLookup.SnapshotAsync(connection, settings.SweepId, settings.State);
        var coordinator = connection.Grains.GetGrain<ISweepCoordinatorGrain>(settings.SweepId);
        string directory = settings.Out ?? SweepCompletion.DefaultOut(settings.SweepId);
        var files = ResultsExporter.Write(sweep, await coordinator.GetWinnerWeightsAsync(), directory);
        if (settings.Json)
        {
            await output.WriteResultsAsync(sweep);
        }

        output.Human.WriteLine($"Wrote {string.Join(", ", files.Select(Path.GetFileName))} to {Path.GetFullPath(directory)} ({sweep.Status})");
        return ExitCodes.Completed;
    }
}

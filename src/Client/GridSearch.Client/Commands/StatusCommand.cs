using System.Text.Json;
using GridSearch.Abstractions;
using GridSearch.Client.Hosting;
using GridSearch.Client.Output;
using GridSearch.Client.Results;
using GridSearch.Client.Sweeps;
using Spectre.Console.Cli;

namespace GridSearch.Client.Commands;

/// <summary><c>gridsearch status SWEEP</c>: the sweep as it stands, without waiting for it.</summary>
public sealed class StatusCommand : AsyncCommand<SweepIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SweepIdSettings settings, CancellationToken cancellation)
    {
        var output = CliOutput.For(settings.Json);
        await using var connection = await SweepConnections.OpenAsync(settings,
            output, cancellation);
        var sweep = await SweepLookup.SnapshotAsync(connection, settings.SweepId, settings.State);
        if (settings.Json)
        {
            await output.Data.WriteLineAsync(JsonSerializer.Serialize(ResultsDocument.From(sweep), Json.Options));
        }
        else
        {
            SweepSummaryView.Render(output.Human, sweep);
        }

        return ExitCodes.Completed;
    }
}

/// <summary><c>gridsearch cancel SWEEP</c>: stops a sweep; running trials stop between batches.</summary>
public sealed class CancelCommand : AsyncCommand<SweepIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SweepIdSettings settings, CancellationToken cancellation)
    {
        var output = CliOutput.For(settings.Json);
        await using var connection = await SweepConnections.OpenAsync(settings,
            output, cancellation);
        await SweepLookup.SnapshotAsync(connection, settings.SweepId, settings.State);
        var sweep = (await connection.Grains.GetGrain<ISweepCoordinatorGrain>(settings.SweepId).CancelAsync())!;
        if (settings.Json)
        {
            await output.Data.WriteLineAsync(JsonSerializer.Serialize(ResultsDocument.From(sweep), Json.Options));
        }
        else
        {
            output.Human.WriteLine($"Sweep {sweep.SweepId}: {sweep.Status}");
        }

        return ExitCodes.Completed;
    }
}

/// <summary><c>gridsearch export SWEEP --out DIR</c>: writes a sweep's files from its durable state.</summary>
public sealed class ExportCommand : AsyncCommand<ExportSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ExportSettings settings, CancellationToken cancellation)
    {
        var output = CliOutput.For(settings.Json);
        await using var connection = await SweepConnections.OpenAsync(settings,
            output, cancellation);
        var sweep = await SweepLookup.SnapshotAsync(connection, settings.SweepId, settings.State);
        var coordinator = connection.Grains.GetGrain<ISweepCoordinatorGrain>(settings.SweepId);
        string directory = settings.Out ?? SweepCompletion.DefaultOut(settings.SweepId);
        var files = ResultsExporter.Write(sweep, await coordinator.GetWinnerWeightsAsync(), directory);
        if (settings.Json)
        {
            await output.Data.WriteLineAsync(JsonSerializer.Serialize(ResultsDocument.From(sweep), Json.Options));
        }

        output.Human.WriteLine($"Wrote {string.Join(", ", files.Select(Path.GetFileName))} to {Path.GetFullPath(directory)} ({sweep.Status})");
        return ExitCodes.Completed;
    }
}

/// <summary>Finds a sweep or explains that it does not exist.</summary>
public static class SweepLookup
{
    public static async Task<SweepSnapshot> SnapshotAsync(ISweepConnection connection, string sweepId, string? state)
    {
        if (!SweepSpecRules.IsValidSweepId(sweepId))
        {
            throw new UserInputException(SweepSpecRules.SweepIdProblem(sweepId) + ".");
        }

        return await connection.Grains.GetGrain<ISweepCoordinatorGrain>(sweepId).GetSnapshotAsync()
               ?? throw new UserInputException($"No sweep '{sweepId}' ({connection.Description}); 'gridsearch list' shows the sweeps there.");
    }
}

using System.Globalization;
using System.Text.Json;
using GridSearch.Abstractions;
using GridSearch.Client.Hosting;
using GridSearch.Client.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GridSearch.Client.Commands;

/// <summary><c>gridsearch list</c>: every sweep in the state directory with its status and best result.</summary>
public sealed class ListCommand : AsyncCommand<CommonSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, CommonSettings settings, CancellationToken cancellationToken)
    {
        var output = CliOutput.For(settings.Json);
        await using var connection = await SweepConnections.OpenAsync(settings,
            output, cancellationToken);
        // In embedded mode the state is in files here: say how much each sweep holds ('gridsearch delete' frees it).
        using var state = string.IsNullOrWhiteSpace(settings.Cluster) ? StateDirectory.Open(StateLocation.Resolve(settings.State)) : null;
        var summaries = new List<SweepSummary>();
        foreach (string id in await connection.Grains.GetGrain<ISweepRegistryGrain>(0).ListAsync())
        {
            if (await connection.Grains.GetGrain<ISweepCoordinatorGrain>(id).GetSnapshotAsync() is { } sweep)
            {
                summaries.Add(new SweepSummary(id, sweep.Status, sweep.Cells.Length, sweep.Cells.Count(t => t.Status.IsFinal()),
                    sweep.Spec.Objective == Objective.Default ? sweep.Best?.Value : null, sweep.TestAccuracy, sweep.CreatedAt, state?.BytesOf(id)));
            }
        }

        if (settings.Json)
        {
            await output.Data.WriteLineAsync(JsonSerializer.Serialize(summaries, Json.Options));
            return ExitCodes.Completed;
        }

        if (summaries.Count == 0)
        {
            output.Human.WriteLine($"No sweeps yet ({connection.Description}). Start one with 'gridsearch run'.");
            return ExitCodes.Completed;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumns("sweep", "status", "cells done", "best val acc", "test acc", "created (UTC)", "state");
        foreach (var s in summaries)
        {
            table.AddRow(Markup.Escape(s.SweepId), s.Status.ToString(), $"{s.CellsDone}/{s.Cells}",
                s.BestValidationAccuracy?.ToString("F4", CultureInfo.InvariantCulture) ?? "-",
                s.TestAccuracy?.ToString("F4", CultureInfo.InvariantCulture) ?? "-",
                s.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                s.StateBytes is { } bytes ? $"{bytes / 1024.0 / 1024.0:F1} MB" : "-");
        }

        output.Human.Write(table);
        return ExitCodes.Completed;
    }
}

using GridSearch.Abstractions;
using GridSearch.Client.Hosting;
using GridSearch.Client.Output;
using Spectre.Console.Cli;

namespace GridSearch.Client.Commands;

/// <summary>
/// <c>gridsearch delete SWEEP</c>: removes a finished sweep's state everywhere (its record, winner, checkpoints,
/// registry entry and metrics), so its id can be used again. A running sweep must be cancelled first. Result files
/// already written (./runs/SWEEP) are the user's and stay.
/// </summary>
public sealed class DeleteCommand : AsyncCommand<SweepIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SweepIdSettings settings, CancellationToken cancellationToken)
    {
        var output = CliOutput.For(settings.Json);
        await using var connection = await SweepConnections.OpenAsync(settings, output, cancellationToken);
        await SweepLookup.SnapshotAsync(connection, settings.SweepId, settings.State);
        var result = await connection.Grains.GetGrain<ISweepCoordinatorGrain>(settings.SweepId).DeleteAsync();
        if (result.Outcome == SweepDeleteOutcome.StillRunning)
        {
            throw new UserInputException($"{result.Message}: cancel it first ('gridsearch cancel {settings.SweepId}{settings.ReachArguments()}'), then delete it.");
        }

        if (result.Outcome != SweepDeleteOutcome.Deleted)
        {
            throw new UserInputException(result.Message + ".");
        }

        output.Human.WriteLine($"Deleted sweep {settings.SweepId} ({connection.Description}).");
        return ExitCodes.Completed;
    }
}

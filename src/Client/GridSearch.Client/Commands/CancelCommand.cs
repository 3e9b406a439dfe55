using GridSearch.Abstractions;
using GridSearch.Client.Hosting;
using GridSearch.Client.Output;
using Spectre.Console.Cli;

namespace GridSearch.Client.Commands;

/// <summary><c>gridsearch cancel SWEEP</c>: stops a sweep; running cells stop between batches.</summary>
public sealed class CancelCommand : AsyncCommand<SweepIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SweepIdSettings settings, CancellationToken cancellationToken)
    {
        var output = CliOutput.For(settings.Json);
        await using var connection = await SweepConnections.OpenAsync(settings, output, cancellationToken);
        await SweepLookup.SnapshotAsync(connection, settings.SweepId, settings.State);
        var sweep = (await connection.Grains.GetGrain<ISweepCoordinatorGrain>(settings.SweepId).CancelAsync())!;
        if (settings.Json)
        {
            await output.WriteResultsAsync(sweep);
        }
        else
        {
            output.Human.WriteLine($"Sweep {sweep.SweepId}: {sweep.Status}");
        }

        return ExitCodes.Completed;
    }
}

using GridSearch.Client.Hosting;
using GridSearch.Client.Output;
using GridSearch.Client.Sweeps;
using Spectre.Console.Cli;

namespace GridSearch.Client.Commands;

/// <summary><c>gridsearch status SWEEP</c>: the sweep as it stands, without waiting for it.</summary>
public sealed class StatusCommand : AsyncCommand<SweepIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SweepIdSettings settings, CancellationToken cancellationToken)
    {
        var output = CliOutput.For(settings.Json);
        await using var connection = await SweepConnections.OpenAsync(settings, output, cancellationToken);
        var sweep = await SweepLookup.SnapshotAsync(connection, settings.SweepId, settings.State);
        if (settings.Json)
        {
            await output.WriteResultsAsync(sweep);
        }
        else
        {
            SweepSummaryView.Render(output.Human, sweep);
        }

        return ExitCodes.Completed;
    }
}

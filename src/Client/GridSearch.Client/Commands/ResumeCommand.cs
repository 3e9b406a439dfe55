using GridSearch.Abstractions;
using GridSearch.Client.Hosting;
using GridSearch.Client.Output;
using GridSearch.Client.Sweeps;
using Spectre.Console.Cli;

namespace GridSearch.Client.Commands;

/// <summary>
/// <c>gridsearch resume SWEEP</c>: continues an interrupted sweep from its durable state (running cells restart
/// from their last completed epoch), or runs a Failed or Cancelled sweep's unfinished cells again, and then behaves
/// like <c>run</c> (or <c>watch</c> on a cluster). A completed sweep is left alone.
/// </summary>
public sealed class ResumeCommand : AsyncCommand<ResumeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ResumeSettings settings, CancellationToken cancellationToken)
    {
        var output = CliOutput.For(settings.Json, settings.Verbose);
        if (!SweepSpecRules.IsValidSweepId(settings.SweepId))
        {
            throw new UserInputException(SweepSpecRules.SweepIdProblem(settings.SweepId) + ".");
        }

        bool cluster = !string.IsNullOrWhiteSpace(settings.Cluster);
        string statePath = StateLocation.Resolve(settings.State);
        await using var connection = cluster
            ? await SweepConnections.OpenAsync(settings, output, cancellationToken)
            : await SweepConnections.HostAsync(statePath, settings, cancellationToken);
        var coordinator = connection.Grains.GetGrain<ISweepCoordinatorGrain>(settings.SweepId);
        var before = await coordinator.GetSnapshotAsync() ?? throw new UserInputException(
            $"No sweep '{settings.SweepId}' ({connection.Description}); 'gridsearch list{(cluster ? settings.ReachArguments() : $" --state {statePath}")}' shows the sweeps there.");
        if (before.Status == SweepStatus.Completed)
        {
            output.Human.WriteLine($"Sweep {settings.SweepId} already completed; writing its results.");
        }
        else if (cluster && !before.Status.IsFinal() && !settings.DiscardDamaged)
        {
            // A cluster resumes its unfinished sweeps by itself: nothing to do but follow.
            output.Human.WriteLine($"Sweep {settings.SweepId} is {before.Status}; following it ({connection.Description})");
        }
        else
        {
            int done = before.Cells.Count(t => t.Status is CellStatus.Completed or CellStatus.Stopped);
            output.Human.WriteLine($"Resuming sweep {settings.SweepId} ({before.Status}): {done} of {before.Cells.Length} cells done, " +
                                   $"{before.Timings.EpochsTrained} epochs recorded ({connection.Description})");
            var resumed = await coordinator.ResumeAsync(new ResumeRequest(settings.DiscardDamaged));
            if (resumed.Outcome == SweepResumeOutcome.Refused)
            {
                throw new UserInputException($"Cannot resume sweep {settings.SweepId}: {string.Join("; ", resumed.Problems)}");
            }
        }

        return await SweepCompletion.FollowAndFinishAsync(coordinator, settings.SweepId, settings.Out, output, settings.Json,
            cancellationToken, alreadyShown: before.Status.IsFinal() ? null : before);
    }
}

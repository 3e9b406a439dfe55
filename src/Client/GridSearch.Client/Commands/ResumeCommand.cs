using GridSearch.Abstractions;
using GridSearch.Client.Hosting;
using GridSearch.Client.Output;
using GridSearch.Client.Sweeps;
using Spectre.Console.Cli;

namespace GridSearch.Client.Commands;

/// <summary>
/// <c>gridsearch resume SWEEP</c>: continues an interrupted embedded sweep from its durable state (running trials
/// restart from their last completed epoch) and then behaves like <c>run</c>.
/// </summary>
public sealed class ResumeCommand : AsyncCommand<ResumeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ResumeSettings settings, CancellationToken cancellation)
    {
        if (!string.IsNullOrWhiteSpace(settings.Cluster))
        {
            throw new UserInputException("a cluster resumes its sweeps by itself; follow one with 'gridsearch watch SWEEP --cluster ...'.");
        }

        var output = CliOutput.For(settings.Json);
        if (!SweepSpecRules.IsValidSweepId(settings.SweepId))
        {
            throw new UserInputException(SweepSpecRules.SweepIdProblem(settings.SweepId) + ".");
        }

        string statePath = StateLocation.Resolve(settings.State);
        await using var connection = await SweepConnections.HostAsync(statePath, settings, cancellation);
        var coordinator = connection.Grains.GetGrain<ISweepCoordinatorGrain>(settings.SweepId);
        var before = await coordinator.GetSnapshotAsync() ?? throw new UserInputException(
            $"No sweep '{settings.SweepId}' in {statePath}; 'gridsearch list --state {statePath}' shows the sweeps there.");
        if (!before.Status.IsFinal())
        {
            int done = before.Trials.Count(t => t.Status.IsFinal());
            output.Human.WriteLine($"Resuming sweep {settings.SweepId}: {done} of {before.Trials.Length} trials done, " +
                                   $"{before.Timings.EpochsTrained} epochs recorded ({connection.Description})");
            await coordinator.ResumeAsync();
        }
        else
        {
            output.Human.WriteLine($"Sweep {settings.SweepId} already ended ({before.Status}); writing its results.");
        }

        return await SweepCompletion.FollowAndFinishAsync(coordinator, settings.SweepId, settings.Out, output, settings.Json,
            cancellation, alreadyShown: before);
    }
}

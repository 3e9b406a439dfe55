using GridSearch.Abstractions;
using GridSearch.Client.Data;
using GridSearch.Client.Hosting;
using GridSearch.Client.Output;
using GridSearch.Client.Sweeps;
using GridSearch.Trainer.Execution;
using Spectre.Console.Cli;

namespace GridSearch.Client.Commands;

/// <summary>
/// <c>gridsearch run</c>: embedded mode. Hosts a silo in this process with local durable state, runs the sweep with
/// live progress, and ends with the results table, the winner and its test accuracy, and the result files.
/// </summary>
public sealed class RunCommand : AsyncCommand<SweepSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SweepSettings settings, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(settings.Cluster))
        {
            throw new UserInputException("run trains in this process; to start a sweep on a cluster use 'gridsearch submit --cluster ...'.");
        }

        var output = CliOutput.For(settings.Json, settings.Verbose);
        string sweepId = settings.SweepId ?? SweepIds.New(TimeProvider.System);
        SweepSubmission.Prepare(settings, sweepId, "(any)"); // grid mistakes fail before the demo data is generated
        string statePath = StateLocation.Resolve(settings.State);
        // A user's program reads its own data: --data, if given, is only passed on (GRIDSEARCH_PARAMS has no data).
        var spec = SweepSubmission.Prepare(settings, sweepId, !settings.IsProgram
            ? DatasetPreparation.ResolveRoot(settings, output)
            : Path.GetFullPath(settings.DataRoot ?? Environment.CurrentDirectory));
        await using var connection = await SweepConnections.HostAsync(statePath, settings, cancellationToken, DataRequest.For(spec));
        var coordinator = connection.Grains.GetGrain<ISweepCoordinatorGrain>(sweepId);
        spec = await SweepSubmission.WarmStartAsync(connection.Grains, spec, output);
        await SweepSubmission.StartAsync(coordinator, spec, $"continue it with 'gridsearch resume {sweepId} --state {statePath}'.", output);
        return await SweepCompletion.FollowAndFinishAsync(coordinator, sweepId, settings.Out, output, settings.Json, cancellationToken);
    }
}

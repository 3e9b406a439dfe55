using System.Text.Json;
using GridSearch.Abstractions;
using GridSearch.Client.Hosting;
using GridSearch.Client.Output;
using GridSearch.Client.Sweeps;
using Spectre.Console.Cli;

namespace GridSearch.Client.Commands;

/// <summary>
/// <c>gridsearch submit --cluster HOST:PORT</c>: starts a sweep on a cluster and prints its id. The data root is a
/// path the trainer silos see; the client never ships data.
/// </summary>
public sealed class SubmitCommand : AsyncCommand<SweepSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SweepSettings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Cluster))
        {
            throw new UserInputException("submit needs --cluster HOST:PORT (a silo's gateway); to run on this machine use 'gridsearch run'.");
        }

        if (string.IsNullOrWhiteSpace(settings.DataRoot) && !settings.IsProgram)
        {
            throw new UserInputException("submit needs --data (or data: in the --config file): the data set's path as the trainer silos see it (for example /data/cat_dog).");
        }

        if (!string.IsNullOrWhiteSpace(settings.DataRoot) && !Path.IsPathRooted(settings.DataRoot))
        {
            throw new UserInputException($"submit --data '{settings.DataRoot}' is a relative path, but the trainer silos read the data set, " +
                                         "not this machine: give its absolute path as the trainers see it (for example /data/cat_dog, under " +
                                         "their GridSearch:Trainer:DataRoots).");
        }

        var output = CliOutput.For(json: true);
        string sweepId = settings.SweepId ?? SweepIds.New(TimeProvider.System);
        // A program reads its own data: --data, if given, is only passed on (GRIDSEARCH_DATA).
        var spec = SweepSubmission.Prepare(settings, sweepId, settings.DataRoot ?? "");
        await using var connection = await SweepConnections.OpenAsync(settings, output, cancellationToken);
        var coordinator = connection.Grains.GetGrain<ISweepCoordinatorGrain>(sweepId);
        spec = await SweepSubmission.WarmStartAsync(connection.Grains, spec, output);
        var started = await SweepSubmission.StartAsync(coordinator, spec,
            $"the cluster resumes it by itself; follow it with 'gridsearch watch {sweepId}{settings.ReachArguments()}'.", output);
        output.Human.WriteLine($"Submitted. Follow it with: gridsearch watch {sweepId}{settings.ReachArguments()}");
        await output.Data.WriteLineAsync(settings.Json
            ? JsonSerializer.Serialize(new { sweepId, status = started.Status.ToString(), trials = started.Cells.Length }, Json.Options)
            : sweepId);
        return ExitCodes.Completed;
    }
}

/// <summary>
/// <c>gridsearch watch SWEEP</c>: follows a sweep live (on a cluster, or in the local state) and ends with the same
/// summary and files as run.
/// </summary>
public sealed class WatchCommand : AsyncCommand<ExportSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ExportSettings settings, CancellationToken cancellationToken)
    {
        var output = CliOutput.For(settings.Json, settings.Verbose);
        await using var connection = await SweepConnections.OpenAsync(settings, output, cancellationToken);
        // Watching may begin while the coordinator's silo is going down: the first look tolerates that too.
        var before = await OutageTolerance.CallAsync(() => SweepLookup.SnapshotAsync(connection, settings.SweepId, settings.State), output);
        output.Human.WriteLine($"Watching sweep {before.SweepId} ({before.Status}) on {connection.Description}");
        var coordinator = connection.Grains.GetGrain<ISweepCoordinatorGrain>(settings.SweepId);
        return await SweepCompletion.FollowAndFinishAsync(coordinator, settings.SweepId, settings.Out, output, settings.Json, cancellationToken);
    }
}

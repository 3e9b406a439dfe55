using GridSearch.Abstractions;
using GridSearch.Client.Data;
using GridSearch.Client.Hosting;
using GridSearch.Client.Output;
using GridSearch.Client.Sweeps;
using Spectre.Console.Cli;

namespace GridSearch.Client.Commands;

/// <summary>
/// <c>gridsearch run</c>: embedded mode. Hosts a silo in this process with local durable state, runs the sweep with
/// live progress, and ends with the results table, the winner and its test accuracy, and the result files.
/// </summary>
public sealed class RunCommand : AsyncCommand<SweepSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SweepSettings settings, CancellationToken cancellation)
    {
        var output = CliOutput.For(settings.Json);
        string sweepId = settings.SweepId ?? SweepIds.New(TimeProvider.System);
        var early = SweepSpecRules.Problems(settings.ToSpec("(checked later)")).ToList();
        if (!SweepSpecRules.IsValidSweepId(sweepId))
        {
            early.Insert(0, SweepSpecRules.SweepIdProblem(sweepId));
        }

        if (early.Count > 0)
        {
            throw new UserInputException("Invalid sweep: " + string.Join("; ", early) + ".");
        }

        string statePath = StateLocation.Resolve(settings.State);
        string dataRoot = DatasetPreparation.ResolveRoot(settings, output);
        var spec = settings.ToSpec(dataRoot);
        await using var connection = await SweepConnections.HostAsync(statePath, settings.Trainer(), settings.Verbose, cancellation);
        var coordinator = connection.Grains.GetGrain<ISweepCoordinatorGrain>(sweepId);
        if (await coordinator.GetSnapshotAsync() is { } existing)
        {
            throw new UserInputException(existing.Status.IsFinal()
                ? $"Sweep '{sweepId}' already exists ({existing.Status}) in {statePath}; choose another --sweep-id, or write its files with 'gridsearch export {sweepId} --out DIR'."
                : $"Sweep '{sweepId}' is unfinished ({existing.Status}); continue it with 'gridsearch resume {sweepId} --state {statePath}'.");
        }

        output.Human.WriteLine($"Sweep {sweepId}: {GridExpansion.Count(spec)} trials on {dataRoot} (seed {spec.Seed}; {connection.Description})");
        output.Human.WriteLine("Loading the data set on the trainer...");
        var started = await coordinator.StartAsync(spec);
        if (started.Outcome != SweepStartOutcome.Started)
        {
            throw new UserInputException(started.Outcome switch
            {
                SweepStartOutcome.NoTrainer => string.Join("; ", started.Problems),
                _ => "Invalid sweep: " + string.Join("; ", started.Problems) + ".",
            });
        }

        var dataset = started.Snapshot!.Dataset!;
        output.Human.WriteLine($"{dataset.Images} images ({string.Join(", ", dataset.Classes)}): train {dataset.Train}, " +
                               $"val {dataset.Validation}, test {dataset.Test}; ready in {dataset.LoadSeconds:F2} s" +
                               (dataset.FromCache ? " from the decode cache" : ""));
        foreach (string skipped in dataset.SkippedImages)
        {
            output.Warn($"skipped {skipped}");
        }

        var final = await new SweepWatcher(coordinator, output).WatchAsync(cancellation);
        return await SweepCompletion.FinishAsync(coordinator, final, settings.Out ?? SweepCompletion.DefaultOut(sweepId), output,
            settings.Json);
    }
}

using GridSearch.Abstractions;
using GridSearch.Client.Commands;
using GridSearch.Client.Output;

namespace GridSearch.Client.Sweeps;

/// <summary>Starting a sweep, shared by run (embedded) and submit (cluster).</summary>
public static class SweepSubmission
{
    /// <summary>The sweep id and spec from the options, checked before anything is contacted.</summary>
    public static SweepSpec Prepare(SweepSettings settings, string sweepId, string dataRoot)
    {
        var spec = settings.ToSpec(dataRoot);
        var problems = SweepSpecRules.Problems(spec).ToList();
        if (!SweepSpecRules.IsValidSweepId(sweepId))
        {
            problems.Insert(0, SweepSpecRules.SweepIdProblem(sweepId));
        }

        if (spec.WarmStart is { FromSweep: var from } && (!SweepSpecRules.IsValidSweepId(from) || from == sweepId))
        {
            problems.Add(from == sweepId ? $"--from {from} names this sweep itself; give an earlier sweep's id" : $"--from: {SweepSpecRules.SweepIdProblem(from)}");
        }

        return problems.Count == 0
            ? spec
            : throw new UserInputException(ProblemList.Sentence("Invalid sweep", problems));
    }

    /// <summary>
    /// Fills a warm start (<c>--from SWEEP</c>) with the earlier sweep's finished cells, read where this sweep will run;
    /// refuses, saying why, an earlier sweep that is missing or searched another space or objective.
    /// </summary>
    public static async Task<SweepSpec> WarmStartAsync(IGrainFactory grains, SweepSpec spec, CliOutput output)
    {
        if (spec.WarmStart is not { } warm)
        {
            return spec;
        }

        var earlier = await grains.GetGrain<ISweepCoordinatorGrain>(warm.FromSweep).GetSnapshotAsync()
                      ?? throw new UserInputException($"--from {warm.FromSweep}: there is no such sweep here; 'gridsearch list' shows the sweeps " +
                                                      "(give the same --state, or --cluster, as the sweep you start from).");
        var taken = WarmStarts.From(earlier, spec);
        if (taken.Problems.Count > 0)
        {
            throw new UserInputException(ProblemList.Sentence($"Cannot start from sweep {warm.FromSweep}", taken.Problems));
        }

        output.Human.WriteLine($"Warm start: {taken.Results.Length} finished cells of sweep {warm.FromSweep}" +
                               (taken.OutsideSpace > 0 ? $" ({taken.OutsideSpace} outside this sweep's space left out)" : ""));
        return spec with { WarmStart = warm with { Results = taken.Results } };
    }

    /// <summary>Starts the sweep; refuses an existing id (naming the resume command when it is unfinished).</summary>
    public static async Task<SweepSnapshot> StartAsync(ISweepCoordinatorGrain coordinator, SweepSpec spec, string resumeHint,
        CliOutput output)
    {
        string sweepId = coordinator.GetPrimaryKeyString();
        if (await coordinator.GetSnapshotAsync() is { } existing)
        {
            throw new UserInputException(existing.Status.IsFinal()
                ? $"Sweep '{sweepId}' already exists ({existing.Status}); choose another --sweep-id, or write its files with 'gridsearch export {sweepId} --out DIR'."
                : $"Sweep '{sweepId}' is unfinished ({existing.Status}); {resumeHint}");
        }

        if (spec.Program is { } program)
        {
            output.Human.WriteLine($"Sweep {sweepId}: {SweepCells.Count(spec)} cells of {string.Join(' ', program.Command)} (seed {spec.Seed})");
            var accepted = await coordinator.StartAsync(spec);
            return accepted.Outcome == SweepStartOutcome.Started
                ? accepted.Snapshot!
                : throw new UserInputException(accepted.Outcome == SweepStartOutcome.NoTrainer
                    ? string.Join("; ", accepted.Problems)
                    : ProblemList.Sentence("Invalid sweep", accepted.Problems));
        }

        output.Human.WriteLine($"Sweep {sweepId}: {SweepCells.Count(spec)} cells on {spec.DataRoot} (seed {spec.Seed})");
        output.Human.WriteLine("Loading the data set on a trainer...");
        var started = await DecodingProgress.ShowWhileAsync(coordinator, coordinator.StartAsync(spec), output);
        if (started.Outcome != SweepStartOutcome.Started)
        {
            throw new UserInputException(started.Outcome == SweepStartOutcome.NoTrainer
                ? string.Join("; ", started.Problems)
                : ProblemList.Sentence("Invalid sweep", started.Problems));
        }

        var dataset = started.Snapshot!.Dataset!;
        output.Human.WriteLine($"{dataset.Images} images ({string.Join(", ", dataset.Classes)}): train {dataset.Train}, " +
                               $"val {dataset.Validation}, test {dataset.Test}; ready in {dataset.LoadSeconds:F2} s" +
                               (dataset.FromCache ? " from the decode cache" : ""));
        foreach (string skipped in dataset.SkippedImages)
        {
            output.Warn($"skipped {skipped}");
        }

        return started.Snapshot;
    }
}

using GridSearch.Abstractions;

namespace GridSearch.Coordinator;

/// <summary>
/// Puts a new sweep's runs into fused groups: runs whose cells share everything that shapes the batches and the model
/// (batch size and architecture; seed, data and image size are the sweep's) and differ only in the optimiser's rates
/// (learning rate, momentum, weight decay) or in their length. Groups follow grid order and hold at most the width
/// the trainer gives for their shape (it knows its device and memory: <see cref="IDatasetInspectorGrain.FusedGroupWidthsAsync"/>),
/// and are formed once, when the sweep is created, so a sweep keeps its groups (and their numbers) through crashes
/// and resumes. Fused training covers the logistic model (the baseline's on two classes, softmax regression on more) and
/// the MLP with SGD, on trainers that fuse; other runs (the CNN, Adam) train alone, as does a run left alone in its group.
/// </summary>
public static class FusedGroups
{
    /// <summary>The distinct shapes of the sweep's fusable cells, in grid order; none when the spec turns fusion off.</summary>
    public static CellParameters[] Shapes(SweepSpec spec) => !Fuses(spec)
        ? []
        : SweepCells.Of(spec).Where(Fusable).Select(Shape).Distinct().ToArray();

    /// <summary>
    /// Groups the runs, each shape's at most <paramref name="widths"/>[shape] per group (a shape missing there, or a
    /// width below 2, does not fuse); no groups without widths.
    /// </summary>
    public static List<FusedGroupRecord> Form(IReadOnlyList<RunRecord> runs, SweepSpec spec, IReadOnlyDictionary<CellParameters, int>? widths)
    {
        if (!Fuses(spec) || widths is null)
        {
            return [];
        }

        var groups = new List<FusedGroupRecord>();
        foreach (var sharing in runs.Where(r => Fusable(r.Parameters)).GroupBy(r => Shape(r.Parameters)))
        {
            int width = widths.GetValueOrDefault(sharing.Key, 1);
            if (width < 2)
            {
                continue;
            }

            foreach (var chunk in sharing.Chunk(width).Where(c => c.Length > 1))
            {
                var group = new FusedGroupRecord { Id = $"fused-{chunk[0].Id}", Runs = chunk.Select(r => r.Id).ToList() };
                foreach (var run in chunk)
                {
                    run.Group = group.Id;
                }

                groups.Add(group);
            }
        }

        return groups;
    }

    // Population-based training swaps a run's checkpoint and values between intervals: its runs train alone.
    private static bool Fuses(SweepSpec spec) => spec.Fuse && spec.FusedGroupSize != 1 && spec.Scheduler?.Name != SchedulerNames.Pbt;

    // A user's program trains its own way: its runs never fuse, whatever its parameters are called.
    private static bool Fusable(CellParameters cell) =>
        cell is { IsProgram: false, Model: ModelNames.Logistic or ModelNames.Mlp, Optimizer: OptimizerNames.Sgd };

    // What lanes of one group must share: the cell less its rates and its length.
    private static CellParameters Shape(CellParameters cell) => new CellParameters(0, cell.BatchSize, 0)
    {
        Extra = cell.Extra.Where(s => s.Name is not (ParameterCatalog.Momentum or ParameterCatalog.WeightDecay)).ToArray(),
    };
}

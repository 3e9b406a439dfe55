using GridSearch.Abstractions;
using GridSearch.Grains.Execution;
using GridSearch.Training.Model;

namespace GridSearch.Grains.Coordinator;

/// <summary>
/// Puts a new sweep's runs into fused groups: runs whose cells share everything that shapes the batches and the model
/// (batch size and architecture; seed, data and image size are the sweep's) and differ only in the optimiser's rates
/// (learning rate, momentum, weight decay) or in their length. Groups follow grid order and hold at most the spec's
/// group size (see <see cref="Width"/>), and are formed once, when the sweep is created, so a sweep keeps its groups
/// (and their numbers) through crashes and resumes. Fused training covers the logistic model (the seed's on
/// two classes, softmax regression on more) and the MLP with SGD, on trainers that fuse; other runs (the CNN, Adam) train
/// alone, as does a run left alone in its group.
/// </summary>
public static class FusedGroups
{
    public static List<FusedGroupRecord> Form(IReadOnlyList<RunRecord> runs, SweepSpec spec, DatasetSummary dataset)
    {
        if (!spec.Fuse || spec.FusedGroupSize == 1 || !dataset.FusedTraining)
        {
            return [];
        }

        var groups = new List<FusedGroupRecord>();
        foreach (var sharing in runs.Where(r => Fusable(r.Parameters)).GroupBy(r => Shape(r.Parameters!)))
        {
            foreach (var chunk in sharing.Chunk(Width(spec, dataset, sharing.First().Parameters!)).Where(c => c.Length > 1))
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

    /// <summary>
    /// How many runs of one shape a group holds: the spec's size, or automatically 16 on CPU trainers and the largest
    /// size on GPU trainers; never more than the trainer's device memory budget holds, where it has one.
    /// </summary>
    public static int Width(SweepSpec spec, DatasetSummary dataset, CellParameters cell)
    {
        int wanted = spec.FusedGroupSize == SweepSpec.AutomaticFusedGroupSize
            ? dataset.GpuTraining ? SweepSpecRules.MaxFusedGroupSize : SweepSpec.CpuFusedGroupSize
            : spec.FusedGroupSize;
        if (dataset.DeviceMemoryForTraining is not { } budget)
        {
            return wanted;
        }

        int features = 3 * spec.ImageSize * spec.ImageSize;
        return DeviceMemoryEstimate.WidestGroup(budget, wanted, CellModels.SpecOf(cell), features, dataset.Classes.Length, cell.BatchSize);
    }

    private static bool Fusable(CellParameters? cell) => cell is { Model: "logistic" or "mlp", Optimizer: "sgd" };

    // What lanes of one group must share: the cell less its rates and its length.
    private static CellParameters Shape(CellParameters cell) => new CellParameters(0, cell.BatchSize, 0)
    {
        Extra = cell.Extra.Where(s => s.Name is not (ParameterCatalog.Momentum or ParameterCatalog.WeightDecay)).ToArray(),
    };
}

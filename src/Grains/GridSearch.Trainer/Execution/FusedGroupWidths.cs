using GridSearch.Abstractions;
using GridSearch.Training.Model;

namespace GridSearch.Trainer.Execution;

/// <summary>
/// How many runs of one shape a fused group on this trainer holds: the requested size, or automatically 16 on CPU
/// trainers and the largest size on GPU trainers; never more than the trainer's device memory budget holds, where it
/// has one (<see cref="DeviceMemoryEstimate.WidestGroup"/>); 1 on trainers that do not fuse.
/// </summary>
public static class FusedGroupWidths
{
    public static int[] For(TrainerCapabilities trainer, int requestedSize, int imageSize, int classes, IReadOnlyList<CellParameters> shapes) =>
        shapes.Select(shape => For(trainer, requestedSize, imageSize, classes, shape)).ToArray();

    public static int For(TrainerCapabilities trainer, int requestedSize, int imageSize, int classes, CellParameters shape)
    {
        if (!trainer.FusedTraining)
        {
            return 1;
        }

        int wanted = requestedSize == SweepSpec.AutomaticFusedGroupSize
            ? trainer.OnGpu ? SweepSpecRules.MaxFusedGroupSize : SweepSpec.CpuFusedGroupSize
            : requestedSize;
        if (trainer.DeviceMemoryBudget is not { } budget)
        {
            return wanted;
        }

        int features = 3 * imageSize * imageSize;
        return DeviceMemoryEstimate.WidestGroup(budget, wanted, CellModels.SpecOf(shape), features, classes, shape.BatchSize);
    }
}

using System.Diagnostics;
using GridSearch.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace GridSearch.Bench;

/// <summary>
/// Would the CNN gain from fused training? Its three conv–batch-norm–ReLU–pool blocks (width 16, 128×128 images) for
/// 16 cells at batch size 16, one training step's forward and backward: each cell's blocks one after another, against
/// all cells as one wide model (the first convolution with 16× the output channels over the shared batch, the later ones
/// grouped convolutions with one group per cell, batch norm over every cell's channels). Random weights and images:
/// the speed of the two shapes is what is measured, not training.
/// </summary>
public static class ConvFusionBench
{
    private const int Cells = 16;
    private const int Batch = 16;
    private const int Side = 128;
    private const int Width = 16;

    public static BenchResult Run(string device, int steps = 5)
    {
        var on = torch.device(device);
        torch.set_num_threads(1); // as one trainer slot trains
        using var images = randn([Batch, 3, Side, Side], device: on);
        int[] channels = Enumerable.Range(0, CnnModel.Blocks).Select(i => Width << i).ToArray();

        // Per cell: its own weights for every block.
        var alone = Enumerable.Range(0, Cells).Select(_ => channels.Select((c, i) =>
            randn([c, i == 0 ? 3 : channels[i - 1], 3, 3], device: on).mul_(0.1).requires_grad_(true)).ToArray()).ToArray();
        // Fused: the cells' weights stacked along the output channels.
        var fused = channels.Select((c, i) => randn([Cells * c, i == 0 ? 3 : channels[i - 1], 3, 3], device: on).mul_(0.1).requires_grad_(true)).ToArray();

        double Time(Action step)
        {
            step(); // warm-up
            Synchronize(on);
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++)
            {
                step();
            }

            Synchronize(on);
            return clock.Elapsed.TotalSeconds / steps;
        }

        double separate = Time(() =>
        {
            foreach (var weights in alone)
            {
                using var scope = NewDisposeScope();
                var x = images;
                for (int i = 0; i < weights.Length; i++)
                {
                    x = Block(nn.functional.conv2d(x, weights[i], padding: [1, 1]));
                }

                x.sum().backward();
            }
        });

        double together = Time(() =>
        {
            using var scope = NewDisposeScope();
            var x = images;
            for (int i = 0; i < fused.Length; i++)
            {
                x = Block(nn.functional.conv2d(x, fused[i], padding: [1, 1], groups: i == 0 ? 1 : Cells));
            }

            x.sum().backward();
        });

        string what = $"{Cells} cells, batch {Batch}, {Side}×{Side}, width {Width}, forward and backward, {device}";
        return new BenchResult("conv-fusion", BenchResult.MachineDescription(), DateTimeOffset.UtcNow,
        [
            new BenchRow("CNN blocks: each cell alone", separate, "s/step", what),
            new BenchRow("CNN blocks: one wide model (grouped convolutions)", together, "s/step", what),
            new BenchRow("CNN blocks: fused / alone", together / separate, "ratio", "below 1: fusing the CNN would pay on this device"),
        ]);
    }

    private static Tensor Block(Tensor x)
    {
        // Batch norm in training mode over every channel (each cell's own channels), then ReLU and 2×2 max pooling.
        var normalised = nn.functional.batch_norm(x, null, null, training: true);
        return nn.functional.max_pool2d(nn.functional.relu(normalised), 2);
    }

    private static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA)
        {
            torch.cuda.synchronize(device);
        }
    }
}

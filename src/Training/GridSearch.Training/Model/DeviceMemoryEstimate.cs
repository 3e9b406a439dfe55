using GridSearch.Training.Trainer;

namespace GridSearch.Training.Model;

/// <summary>
/// Bytes of device memory one piece of training work needs: a run, or a fused group of <c>width</c> runs, of one model
/// at one batch size. It counts what the trainer keeps (every lane's weights, gradients, optimiser buffers and the
/// step's temporaries) and the larger of a training step's activations (forward values kept for backward, their
/// gradients, the batch as floats) and an evaluation batch's, plus a margin for the allocator's rounding and the
/// libraries' workspaces. The data set itself is shared by every run of a silo and is not counted here.
/// </summary>
/// <remarks>
/// Plain arithmetic over the architecture, so the coordinator can size groups without loading TorchSharp. It is an
/// upper estimate, not a measurement: the GPU check (bench/gpu-check.sh) prints it beside the memory NVML saw.
/// </remarks>
public static class DeviceMemoryEstimate
{
    private const long FloatBytes = 4;

    /// <summary>Allocator rounding and fragmentation (PyTorch's caching allocator rounds blocks up).</summary>
    private const double Margin = 1.25;

    /// <summary>cuBLAS / cuDNN workspaces and small buffers per piece of work.</summary>
    private const long Workspace = 64L << 20;

    public static long TrainingBytes(ModelSpec model, int inputFeatures, int classes, int batchSize, int width = 1,
        string optimizer = Optimizers.Sgd, int evaluationBatchSize = 512)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        // Weights, gradient, momentum (or Adam's two moments) and the step's temporary, per lane.
        long copies = optimizer == Optimizers.Adam ? 5 : 4;
        long parameters = width * ParametersPerLane(model, inputFeatures, classes) * copies;
        long step = ActivationValues(model, inputFeatures, classes, batchSize, width) * 2; // and their gradients
        long evaluation = ActivationValues(model, inputFeatures, classes, evaluationBatchSize, width);
        return (long)((parameters + Math.Max(step, evaluation)) * FloatBytes * Margin) + Workspace;
    }

    /// <summary>The widest group (1 … <paramref name="largest"/>) whose <see cref="TrainingBytes"/> fit in the budget; 1 when none does.</summary>
    public static int WidestGroup(long budgetBytes, int largest, ModelSpec model, int inputFeatures, int classes, int batchSize,
        string optimizer = Optimizers.Sgd)
    {
        int low = 1, high = Math.Max(1, largest);
        while (low < high)
        {
            int middle = (low + high + 1) / 2;
            if (TrainingBytes(model, inputFeatures, classes, batchSize, middle, optimizer) <= budgetBytes)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return low;
    }

    /// <summary>Values of one lane's state (parameters and buffers, what <see cref="ClassifierModel.GetWeights"/> holds).</summary>
    public static long ParametersPerLane(ModelSpec model, int inputFeatures, int classes)
    {
        long outputs = classes == 2 ? 1 : classes;
        switch (model.Name)
        {
            case ModelSpec.Mlp:
                long hidden = model.Hidden;
                return hidden * (inputFeatures + 1) + (model.HiddenLayers - 1) * hidden * (hidden + 1) + outputs * (hidden + 1);
            case ModelSpec.Cnn:
                long total = 0, previous = 3;
                foreach (long channels in CnnChannels(model))
                {
                    total += previous * channels * 9 + channels * 4 + 1; // conv weights; norm scale, shift, mean, variance, count
                    previous = channels;
                }

                long side = CnnSide(inputFeatures) >> CnnModel.Blocks;
                return total + outputs * (previous * side * side + 1);
            default:
                return outputs * (inputFeatures + 1);
        }
    }

    /// <summary>Floats a forward pass of one batch keeps for every lane (the batch itself once).</summary>
    private static long ActivationValues(ModelSpec model, int inputFeatures, int classes, long batch, long width)
    {
        long outputs = classes == 2 ? 1 : classes;
        long images = batch * inputFeatures * 2; // gathered and normalised
        switch (model.Name)
        {
            case ModelSpec.Mlp:
                // Per hidden layer: the product, its ReLU, the dropout mask and the masked values.
                return images + width * batch * (model.HiddenLayers * model.Hidden * 4L + outputs * 4);
            case ModelSpec.Cnn:
                long perImage = 0, side = CnnSide(inputFeatures);
                foreach (long channels in CnnChannels(model))
                {
                    perImage += channels * side * side * 13 / 4; // convolution, batch norm, ReLU, and the pooled quarter
                    side >>= 1;
                }

                return images + width * batch * (perImage + outputs * 4);
            default:
                return images + width * batch * outputs * 4;
        }
    }

    private static IEnumerable<long> CnnChannels(ModelSpec model) =>
        Enumerable.Range(0, CnnModel.Blocks).Select(i => (long)model.Width << i);

    private static long CnnSide(int inputFeatures) => (long)Math.Round(Math.Sqrt(inputFeatures / 3.0));
}

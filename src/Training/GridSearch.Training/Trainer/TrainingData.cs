using GridSearch.Training.Data;
using static TorchSharp.torch;

namespace GridSearch.Training.Trainer;

/// <summary>
/// The decoded data set and its split as tensors on one device: uint8 images [N,3,S,S], float labels [N,1] and
/// index tensors for each split. Built once per silo and device; trials only read it, so they share it.
/// </summary>
public sealed class TrainingData : IDisposable
{
    private TrainingData(DecodedDataset dataset, DataSplit split, Device device)
    {
        Dataset = dataset;
        Split = split;
        Device = device;
        Images = tensor(dataset.Pixels, [dataset.Count, PreprocessingOptions.Channels, dataset.ImageSize,
            dataset.ImageSize]).to(device);
        Labels = tensor(dataset.Labels.Select(label => (float)label).ToArray(), [dataset.Count, 1]).to(device);
        TrainIndex = IndexTensor(split.Train, device);
        ValidationIndex = IndexTensor(split.Validation, device);
        TestIndex = IndexTensor(split.Test, device);
    }

    public DecodedDataset Dataset { get; }

    public DataSplit Split { get; }

    public Device Device { get; }

    internal Tensor Images { get; }

    internal Tensor Labels { get; }

    internal Tensor TrainIndex { get; }

    internal Tensor ValidationIndex { get; }

    internal Tensor TestIndex { get; }

    public int InputFeatures => Dataset.PixelsPerImage;

    // Validation runs after every epoch of every trial on the same images: normalise them once per data set.
    private const long MaxCachedEvaluationBytes = 1L << 30;
    private readonly Lock _evaluationLock = new();
    private readonly Dictionary<SplitPart, Tensor> _evaluationImages = new();

    /// <summary>The normalised images of a validation or test split, computed once and shared (read-only).</summary>
    internal Tensor EvaluationImages(SplitPart part, out bool owned)
    {
        Tensor index = IndexOf(part);
        if (index.shape[0] * Dataset.PixelsPerImage * sizeof(float) > MaxCachedEvaluationBytes)
        {
            owned = true;
            return NormalisedImages(index);
        }

        owned = false;
        lock (_evaluationLock)
        {
            if (!_evaluationImages.TryGetValue(part, out var images))
            {
                images = NormalisedImages(index).DetachFromDisposeScope();
                _evaluationImages[part] = images;
            }

            return images;
        }
    }

    public static TrainingData Create(DecodedDataset dataset, DataSplit split, Device device) => new(dataset, split, device);

    internal Tensor IndexOf(SplitPart part) => part switch
    {
        SplitPart.Train => TrainIndex,
        SplitPart.Validation => ValidationIndex,
        SplitPart.Test => TestIndex,
        _ => throw new ArgumentOutOfRangeException(nameof(part)),
    };

    /// <summary>Gathers a batch straight from the uint8 images and normalises it like the seed: (x/255 − 0.5)/0.5.</summary>
    internal Tensor NormalisedImages(Tensor indices)
    {
        using var raw = Images.index_select(0, indices);
        return raw.to(ScalarType.Float32).div_(255f).sub_(0.5f).div_(0.5f);
    }

    private static Tensor IndexTensor(int[] indices, Device device) =>
        tensor(indices.Select(i => (long)i).ToArray(), [indices.Length]).to(device);

    public void Dispose()
    {
        foreach (var images in _evaluationImages.Values)
        {
            images.Dispose();
        }

        Images.Dispose();
        Labels.Dispose();
        TrainIndex.Dispose();
        ValidationIndex.Dispose();
        TestIndex.Dispose();
    }
}

/// <summary>One part of the train/validation/test split.</summary>
public enum SplitPart
{
    Train,
    Validation,
    Test,
}

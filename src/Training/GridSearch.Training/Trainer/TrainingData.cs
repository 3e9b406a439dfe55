using GridSearch.Training.Data;
using static TorchSharp.torch;

namespace GridSearch.Training.Trainer;

/// <summary>
/// The decoded data set and its split as tensors on one device: uint8 images [N,3,S,S], labels (float [N,1] and
/// class indices [N]) and index tensors for each split. Built once per silo and device; cells only read it, so they share it.
/// </summary>
public sealed class TrainingData : IDisposable
{
    private TrainingData(DecodedDataset dataset, DataSplit split, Device device)
    {
        Dataset = dataset;
        Split = split;
        Device = device;
        // On the CPU the decoded pixels are used as they are (a second handle on the same memory, no copy); on a GPU
        // they are copied to the device once.
        Images = device.type == TorchSharp.DeviceType.CPU ? dataset.Pixels.alias() : dataset.Pixels.to(device);
        Labels = tensor(dataset.Labels.Select(label => (float)label).ToArray(), [dataset.Count, 1]).to(device);
        ClassIndices = tensor(dataset.Labels.Select(label => (long)label).ToArray(), [dataset.Count]).to(device);
        TrainIndex = IndexTensor(split.Train, device);
        ValidationIndex = IndexTensor(split.Validation, device);
        TestIndex = IndexTensor(split.Test, device);
    }

    public DecodedDataset Dataset { get; }

    public DataSplit Split { get; }

    public Device Device { get; }

    internal Tensor Images { get; }

    /// <summary>Each image's class as a float, [N,1]: the binary model's BCE targets.</summary>
    internal Tensor Labels { get; }

    /// <summary>Each image's class index (folder order), int64 [N]: cross-entropy targets and what predictions are checked against.</summary>
    internal Tensor ClassIndices { get; }

    public int ClassCount => Dataset.Classes.Count;

    internal Tensor TrainIndex { get; }

    internal Tensor ValidationIndex { get; }

    internal Tensor TestIndex { get; }

    public int InputFeatures => Dataset.PixelsPerImage;

    // Validation runs after every epoch of every cell on the same images: normalise them once per data set.
    private const long MaxCachedEvaluationBytes = 1L << 30;
    private readonly Lock _evaluationLock = new();
    private readonly Dictionary<SplitPart, Tensor> _evaluationImages = new();

    /// <summary>
    /// The normalised images of the validation split, computed once and shared (read-only); null for the test split
    /// and when they would take more than 1 GiB as floats (large data sets): evaluation then normalises batch by batch.
    /// </summary>
    internal Tensor? EvaluationImages(SplitPart part)
    {
        // Only validation repeats (after every epoch of every cell); the test split is evaluated once per sweep.
        Tensor index = IndexOf(part);
        if (part != SplitPart.Validation || index.shape[0] * Dataset.PixelsPerImage * sizeof(float) > MaxCachedEvaluationBytes)
        {
            return null;
        }

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

    /// <summary>
    /// The training split in epoch <paramref name="epoch"/>'s order, which depends on (seed, epoch) only: every run and
    /// every fused group of the same seed sees the same batches.
    /// </summary>
    internal Tensor ShuffledTrainIndices(long seed, int epoch)
    {
        using var generator = new Generator(SeedStreams.Shuffle(seed, epoch));
        using var permutation = randperm(Split.Train.Length, generator: generator).to(Device);
        return TrainIndex.index_select(0, permutation);
    }

    /// <summary>Gathers a batch straight from the uint8 images and normalises it like the seed: (x/255 − 0.5)/0.5.</summary>
    public Tensor NormalisedImages(Tensor indices)
    {
        using var raw = Images.index_select(0, indices);
        return raw.to(ScalarType.Float32).div_(Scalars.PixelMax).sub_(Scalars.HalfFloat).div_(Scalars.HalfFloat);
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
        ClassIndices.Dispose();
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

using TorchSharp;

namespace GridSearch.Training.Data;

/// <summary>
/// The train/validation/test partition of a data set: sizes floor(train·n), floor(val·n) and the rest, drawn
/// from one permutation seeded by the search seed. It uses PyTorch's generator, so it equals
/// <c>random_split(dataset, sizes, generator=torch.Generator().manual_seed(seed))</c> on every machine.
/// </summary>
public sealed record DataSplit(int[] Train, int[] Validation, int[] Test)
{
    public const double DefaultTrainFraction = 0.8;
    public const double DefaultValidationFraction = 0.1;

    public static DataSplit Create(int count, long seed, double trainFraction = DefaultTrainFraction,
        double validationFraction = DefaultValidationFraction)
    {
        if (trainFraction <= 0 || validationFraction <= 0 || trainFraction + validationFraction >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(trainFraction),
                "Split fractions must be positive and leave room for a test split.");
        }

        int trainSize = (int)Math.Floor(trainFraction * count);
        int validationSize = (int)Math.Floor(validationFraction * count);
        if (trainSize < 1 || validationSize < 1 || count - trainSize - validationSize < 1)
        {
            throw new DataProblemException(
                $"The data set has {count} usable image(s): too few for a {trainFraction:P0}/{validationFraction:P0}/rest " +
                "split with at least one image in each part. Add images (10 or more for the default split).");
        }

        using var generator = new torch.Generator(unchecked((ulong)seed));
        using var permutation = torch.randperm(count, generator: generator);
        long[] order = permutation.data<long>().ToArray();
        int[] Slice(int start, int length) => order.Skip(start).Take(length).Select(i => (int)i).ToArray();
        return new DataSplit(Slice(0, trainSize), Slice(trainSize, validationSize),
            Slice(trainSize + validationSize, count - trainSize - validationSize));
    }
}

using GridSearch.Training.Data;
using GridSearch.Training.Trainer;
using TorchSharp;

namespace GridSearch.Training.Tests;

/// <summary>Small in-memory data sets for trainer tests.</summary>
internal static class TinyData
{
    /// <summary>N images of side <paramref name="size"/> with pseudo-random pixels; label = image index parity.</summary>
    public static DecodedDataset Dataset(int count, int size, int seed = 7)
    {
        var random = new Random(seed);
        int perImage = 3 * size * size;
        var pixels = new byte[count * perImage];
        random.NextBytes(pixels);
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 2)).ToArray();
        // Make the classes learnable: brighten class 1's first channel.
        for (int i = 0; i < count; i++)
        {
            if (labels[i] == 1)
            {
                for (int p = 0; p < size * size; p++)
                {
                    pixels[i * perImage + p] = (byte)Math.Min(255, pixels[i * perImage + p] + 60);
                }
            }
        }

        var files = Enumerable.Range(0, count).Select(i => $"{(i % 2 == 0 ? "a" : "b")}/{i:D4}.png").ToArray();
        return new DecodedDataset("/tiny", ["a", "b"], size, files, labels, pixels, []);
    }

    public static TrainingData Training(int count = 60, int size = 8, long seed = 0) =>
        TrainingData.Create(Dataset(count, size), DataSplit.Create(count, seed), torch.CPU);
}

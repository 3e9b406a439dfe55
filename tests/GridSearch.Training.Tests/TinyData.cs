using GridSearch.Training.Data;
using GridSearch.Training.Trainer;
using TorchSharp;

namespace GridSearch.Training.Tests;

/// <summary>Small in-memory data sets for trainer tests.</summary>
internal static class TinyData
{
    /// <summary>
    /// N images of side <paramref name="size"/> with pseudo-random pixels; label = image index modulo the number of
    /// classes (two: its parity).
    /// </summary>
    public static DecodedDataset Dataset(int count, int size, int seed = 7, int classes = 2)
    {
        var random = new Random(seed);
        int perImage = 3 * size * size;
        var pixels = new byte[count * perImage];
        random.NextBytes(pixels);
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % classes)).ToArray();
        // Make the classes learnable: class c > 0 brightens channel c − 1 (class 1: the first).
        for (int i = 0; i < count; i++)
        {
            if (labels[i] > 0)
            {
                int channel = (labels[i] - 1) % 3;
                for (int p = 0; p < size * size; p++)
                {
                    int at = i * perImage + channel * size * size + p;
                    pixels[at] = (byte)Math.Min(255, pixels[at] + 60);
                }
            }
        }

        var names = Enumerable.Range(0, classes).Select(c => ((char)('a' + c)).ToString()).ToArray();
        var files = Enumerable.Range(0, count).Select(i => $"{names[labels[i]]}/{i:D4}.png").ToArray();
        return new DecodedDataset("/tiny", names, size, files, labels, pixels, []);
    }

    public static TrainingData Training(int count = 60, int size = 8, long seed = 0, int classes = 2) =>
        TrainingData.Create(Dataset(count, size, classes: classes), DataSplit.Create(count, seed), torch.CPU);
}

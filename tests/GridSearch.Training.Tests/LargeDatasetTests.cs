using GridSearch.Training.Data;
using GridSearch.Training.Trainer;
using TorchSharp;
using static TorchSharp.torch;

namespace GridSearch.Training.Tests;

/// <summary>
/// A .NET array holds at most about 2 GiB, which at 128×128×3 is 43,690 images: decoded pixels live in a native
/// tensor instead, so data sets beyond that load and train. (The memory benchmark measures 100,000 images.)
/// </summary>
public sealed class LargeDatasetTests
{
    [Fact]
    public void DecodedDataset_MorePixelsThanAnArrayCanHold_IsAddressableAndTrainable()
    {
        const int count = 44_000;
        const int size = 128;
        Assert.True(count * 3L * size * size > (long)Array.MaxLength);
        // Untouched pages of a fresh tensor cost no memory: only the images written below are ever resident.
        var pixels = empty([count, 3, size, size], ScalarType.Byte);
        using (var last = pixels[count - 1])
        {
            last.fill_(200);
        }

        using (var first = pixels[0])
        {
            first.fill_(10);
        }

        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 2)).ToArray();
        var files = Enumerable.Range(0, count).Select(i => $"{(i % 2 == 0 ? "a" : "b")}/{i:D6}.png").ToArray();
        using var dataset = new DecodedDataset("/large", ["a", "b"], size, files, labels, pixels, []);

        Assert.Equal((long)count * 3 * size * size, dataset.PixelBytes);
        Assert.All(dataset.ImageBytes(count - 1), v => Assert.Equal(200, v));
        Assert.All(dataset.ImageBytes(0), v => Assert.Equal(10, v));

        using var data = TrainingData.Create(dataset, DataSplit.Create(count, seed: 0), CPU);
        using var batch = data.NormalisedImages(tensor(new long[] { count - 1, 0 }));
        Assert.Equal((200 / 255f - 0.5f) / 0.5f, batch[0, 0, 0, 0].item<float>(), 6);
        Assert.Equal((10 / 255f - 0.5f) / 0.5f, batch[1, 2, size - 1, size - 1].item<float>(), 6);
    }
}

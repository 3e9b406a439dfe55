using static TorchSharp.torch;

namespace GridSearch.Training.Data;

/// <summary>An image the loader skipped (with <c>--skip-bad-images</c>) and why.</summary>
public sealed record SkippedImage(string RelativePath, string Reason);

/// <summary>
/// A whole ImageFolder data set decoded once: channel-major uint8 pixels for every image in index order, and their
/// labels. The pixels live in one native tensor [Count, 3, ImageSize, ImageSize] (no .NET array, so no 2 GiB cap,
/// and trainers on the CPU use it without a copy). Read-only once built; every cell in the process shares one
/// instance, and disposing it frees the pixels.
/// </summary>
public sealed class DecodedDataset : IDisposable
{
    public DecodedDataset(string root, IReadOnlyList<string> classes, int imageSize, IReadOnlyList<string> files,
        byte[] labels, Tensor pixels, IReadOnlyList<SkippedImage> skipped)
    {
        if (labels.Length != files.Count || pixels.dtype != ScalarType.Byte
            || !pixels.shape.SequenceEqual([files.Count, PreprocessingOptions.Channels, imageSize, imageSize]))
        {
            throw new ArgumentException("Labels and pixels must hold exactly one entry per file.");
        }

        Root = root;
        Classes = classes;
        ImageSize = imageSize;
        Files = files;
        Labels = labels;
        Pixels = pixels;
        Skipped = skipped;
    }

    /// <summary>A data set from pixels in a .NET array (small sets, tests): copied once into the native tensor.</summary>
    public DecodedDataset(string root, IReadOnlyList<string> classes, int imageSize, IReadOnlyList<string> files,
        byte[] labels, byte[] pixels, IReadOnlyList<SkippedImage> skipped)
        : this(root, classes, imageSize, files, labels,
            tensor(pixels, [pixels.Length / Math.Max(1, PreprocessingOptions.Channels * imageSize * imageSize),
                PreprocessingOptions.Channels, imageSize, imageSize]), skipped)
    {
    }

    public string Root { get; }

    public IReadOnlyList<string> Classes { get; }

    public int ImageSize { get; }

    /// <summary>Relative paths of the images, in label-then-name order (torchvision's ImageFolder order).</summary>
    public IReadOnlyList<string> Files { get; }

    public byte[] Labels { get; }

    /// <summary>[Count, 3, ImageSize, ImageSize] uint8 on the CPU.</summary>
    public Tensor Pixels { get; }

    public IReadOnlyList<SkippedImage> Skipped { get; }

    public int Count => Files.Count;

    public int PixelsPerImage => PreprocessingOptions.Channels * ImageSize * ImageSize;

    /// <summary>Bytes the decoded pixels occupy.</summary>
    public long PixelBytes => (long)Count * PixelsPerImage;

    /// <summary>One image's bytes, copied out (channel-major).</summary>
    public byte[] ImageBytes(int index)
    {
        var bytes = new byte[PixelsPerImage];
        TensorRows.Read(Pixels, index, bytes, rows: 1);
        return bytes;
    }

    /// <summary>The same data set under another root path, sharing these pixels (the caller keeps one owner).</summary>
    internal DecodedDataset WithRoot(string root) => new(root, Classes, ImageSize, Files, Labels, Pixels.alias(), Skipped);

    public void Dispose() => Pixels.Dispose();
}

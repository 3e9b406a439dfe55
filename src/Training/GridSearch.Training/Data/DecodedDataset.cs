namespace GridSearch.Training.Data;

/// <summary>An image the loader skipped (with <c>--skip-bad-images</c>) and why.</summary>
public sealed record SkippedImage(string RelativePath, string Reason);

/// <summary>
/// A whole ImageFolder data set decoded once: channel-major uint8 pixels for every image in index order, and
/// their labels. Read-only once built; every trial in the process shares one instance.
/// </summary>
public sealed class DecodedDataset
{
    public DecodedDataset(string root, IReadOnlyList<string> classes, int imageSize, IReadOnlyList<string> files,
        byte[] labels, byte[] pixels, IReadOnlyList<SkippedImage> skipped)
    {
        int pixelsPerImage = PreprocessingOptions.Channels * imageSize * imageSize;
        if (labels.Length != files.Count || pixels.Length != (long)files.Count * pixelsPerImage)
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

    public string Root { get; }

    public IReadOnlyList<string> Classes { get; }

    public int ImageSize { get; }

    /// <summary>Relative paths of the images, in label-then-name order (torchvision's ImageFolder order).</summary>
    public IReadOnlyList<string> Files { get; }

    public byte[] Labels { get; }

    /// <summary>[Count, 3, ImageSize, ImageSize] as raw bytes.</summary>
    public byte[] Pixels { get; }

    public IReadOnlyList<SkippedImage> Skipped { get; }

    public int Count => Files.Count;

    public int PixelsPerImage => PreprocessingOptions.Channels * ImageSize * ImageSize;
}

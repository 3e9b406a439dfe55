namespace GridSearch.Training.Data;

/// <summary>How images become model inputs, and the limits that protect the decoder.</summary>
public sealed record PreprocessingOptions
{
    /// <summary>Side of the square every image is stretched to, like torchvision's <c>Resize((128, 128))</c>.</summary>
    public int ImageSize { get; init; } = 128;

    /// <summary>Images whose header claims more pixels than this are refused before decoding.</summary>
    public long MaxImagePixels { get; init; } = 40_000_000;

    /// <summary>
    /// The highest <see cref="MaxImagePixels"/> accepted: the decoder's memory ceiling grows with the limit and stops
    /// at 4 GiB, which holds a frame of about 500 million pixels.
    /// </summary>
    public const long MaxImagePixelsLimit = 500_000_000;

    /// <summary>Skip unreadable images (and list them) instead of failing the load.</summary>
    public bool SkipBadImages { get; init; }

    /// <summary>Decoder threads; 0 means one per core.</summary>
    public int DecodeThreads { get; init; }

    /// <summary>Cache directory for decoded data sets; null disables the cache.</summary>
    public string? CacheDirectory { get; init; }

    public const int Channels = 3;

    public int PixelsPerImage => Channels * ImageSize * ImageSize;
}

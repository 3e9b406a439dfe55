using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace GridSearch.Training.Data;

/// <summary>
/// Decodes one image file into the model's input layout: RGB, stretched to a square with the triangle (bilinear)
/// filter like torchvision's Resize on a PIL image, channel-major bytes [3, size, size].
/// </summary>
public sealed class ImageDecoder
{
    private readonly PreprocessingOptions _options;
    private readonly Configuration _configuration;

    public ImageDecoder(PreprocessingOptions options)
    {
        _options = options;

        // Only the decoders GridSearch needs, metadata ignored, and a memory ceiling: a hostile file cannot make
        // the silo allocate without bound.
        _configuration = new Configuration(
            new JpegConfigurationModule(), new PngConfigurationModule(), new BmpConfigurationModule(),
            new GifConfigurationModule(), new WebpConfigurationModule())
        {
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
            {
                AllocationLimitMegabytes = (int)Math.Clamp(options.MaxImagePixels * 8 / (1024 * 1024) + 64, 64, 4096),
            }),
        };
        _configuration.ImageFormatsManager.SetDecoder(JpegFormat.Instance, new JpegDecoder { IgnoreMetadata = true });
        _configuration.ImageFormatsManager.SetDecoder(PngFormat.Instance, new PngDecoder { IgnoreMetadata = true });
        // Only the first frame of an animation: a small GIF with thousands of frames would otherwise decode them all.
        _configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance,
            new GifDecoder { IgnoreMetadata = true, DecodingMode = FrameDecodingMode.First, MaxFrames = 1 });
        _configuration.ImageFormatsManager.SetDecoder(WebpFormat.Instance, new WebpDecoder { IgnoreMetadata = true });
    }

    /// <summary>Decodes <paramref name="path"/> into <paramref name="destination"/> (length 3·size·size).</summary>
    /// <exception cref="ImageRejectedException">The file is unreadable, corrupt, or claims too many pixels.</exception>
    public void Decode(string path, Span<byte> destination)
    {
        int size = _options.ImageSize;
        using Image<Rgb24> image = Open(path);
        image.Mutate(context => context.Resize(new ResizeOptions
        {
            Size = new Size(size, size),
            Mode = ResizeMode.Stretch,
            Sampler = KnownResamplers.Triangle,
        }));

        int plane = size * size;
        var red = destination[..plane];
        var green = destination.Slice(plane, plane);
        var blue = destination.Slice(2 * plane, plane);
        var rgb = new Rgb24[plane];
        image.CopyPixelDataTo(rgb);
        for (int i = 0; i < plane; i++)
        {
            red[i] = rgb[i].R;
            green[i] = rgb[i].G;
            blue[i] = rgb[i].B;
        }
    }

    /// <summary>
    /// Reads one file with every limit applied (formats, pixel ceiling, first frame only), before any resizing.
    /// </summary>
    /// <exception cref="ImageRejectedException">The file is unreadable, corrupt, or claims too many pixels.</exception>
    public Image<Rgb24> Open(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            if (BmpHeaderProblem(stream) is { } problem)
            {
                throw new ImageRejectedException(path, problem);
            }

            IImageInfo? info = Image.Identify(_configuration, stream);
            if (info is null)
            {
                throw new ImageRejectedException(path, "is not an image in a supported format (JPEG, PNG, BMP, GIF, WebP)");
            }

            long pixels = (long)info.Width * info.Height;
            if (pixels > Math.Min(_options.MaxImagePixels, PreprocessingOptions.MaxImagePixelsLimit) || info.Width <= 0 || info.Height <= 0)
            {
                throw new ImageRejectedException(path,
                    $"claims {info.Width}x{info.Height} pixels, over the limit of {_options.MaxImagePixels:N0} " +
                    "(raise --max-image-pixels if the image is genuine)");
            }

            stream.Position = 0;
            return Image.Load<Rgb24>(_configuration, stream);
        }
        catch (ImageRejectedException)
        {
            throw;
        }
        catch (Exception error)
        {
            // Whatever the decoder throws (its exception types change between versions and formats), the file is a
            // bad image: reported with its path, or skipped and listed with --skip-bad-images. Never a failed load.
            throw new ImageRejectedException(path, $"cannot be decoded: {error.Message}");
        }
    }

    /// <summary>
    /// A BMP whose header places its pixels beyond the end of the file: the decoder would size its colour table from
    /// that offset (about a gigabyte for a 165-byte file, found by fuzzing) before noticing, so such a file is refused
    /// from its first 14 bytes.
    /// </summary>
    private static string? BmpHeaderProblem(Stream stream)
    {
        Span<byte> header = stackalloc byte[14];
        int read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (read < header.Length || header[0] != (byte)'B' || header[1] != (byte)'M')
        {
            return null;
        }

        uint pixelOffset = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(header[10..]);
        return pixelOffset > stream.Length
            ? $"is a damaged BMP: its header puts the pixels at byte {pixelOffset:N0}, beyond the end of the {stream.Length:N0}-byte file"
            : null;
    }
}

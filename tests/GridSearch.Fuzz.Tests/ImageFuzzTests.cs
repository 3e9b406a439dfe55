using CsCheck;
using GridSearch.TestSupport;
using GridSearch.Training.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace GridSearch.Fuzz.Tests;

/// <summary>
/// Image files: every file decodes, or is rejected with its path and the reason (which --skip-bad-images lists);
/// truncated, corrupt and lying headers included, within bounded time and memory.
/// </summary>
public sealed class ImageFuzzTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("fuzz-images");

    private static IReadOnlyList<byte[]> Corpus()
    {
        using var image = new Image<Rgb24>(12, 9);
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                image[x, y] = new Rgb24((byte)(x * 20), (byte)(y * 25), (byte)((x + y) * 10));
            }
        }

        var formats = new SixLabors.ImageSharp.Formats.IImageEncoder[]
        {
            new SixLabors.ImageSharp.Formats.Png.PngEncoder(), new SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder(),
            new SixLabors.ImageSharp.Formats.Bmp.BmpEncoder(), new SixLabors.ImageSharp.Formats.Gif.GifEncoder(),
            new SixLabors.ImageSharp.Formats.Webp.WebpEncoder(),
        };
        return formats.Select(encoder =>
        {
            using var stream = new MemoryStream();
            image.Save(stream, encoder);
            return stream.ToArray();
        }).ToList();
    }

    [Fact]
    public void Fuzz_MutatedImages_DecodeOrAreRejectedNamingTheFile()
    {
        var decoder = new ImageDecoder(new PreprocessingOptions { ImageSize = 16, MaxImagePixels = 4_000_000 });
        string[] tokens = ["\u00ff\u00d8\u00ff", "IHDR", "IDAT", "IEND", "GIF89a", "RIFF", "WEBPVP8 ", "BM", "\u00ff\u00ff\u00ff\u007f"];
        Fuzzing.Run("images", Mutations.Of(Corpus(), tokens), bytes =>
        {
            string path = Path.Combine(_dir.Path, $"image-{Environment.CurrentManagedThreadId}.img");
            File.WriteAllBytes(path, bytes);
            var pixels = new byte[3 * 16 * 16];
            try
            {
                decoder.Decode(path, pixels);
            }
            catch (ImageRejectedException error)
            {
                Fuzzing.AssertExplained(error, path);
            }
        }, bytes => Convert.ToHexString(bytes));
    }

    public static TheoryData<string> HostileImages => new(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus", "images"))
        .Select(Path.GetFileName).OfType<string>());

    [Theory]
    [MemberData(nameof(HostileImages))]
    public void HostileImage_IsRejectedNamingTheFile_WithinBoundedMemory(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Corpus", "images", name);
        var decoder = new ImageDecoder(new PreprocessingOptions { ImageSize = 16, MaxImagePixels = 4_000_000 });
        long before = GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.Throws<ImageRejectedException>(() => decoder.Decode(path, new byte[3 * 16 * 16]));

        Fuzzing.AssertExplained(error, path);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64L << 20, "rejecting it allocated more than 64 MiB");
    }

    [Fact]
    public void ImageClaimingHugeDimensions_IsRejectedBeforeDecoding()
    {
        string path = _dir.Combine("huge.bmp");
        TestImages.SolidBmp(path, 4, 4, new Rgb24(1, 2, 3));
        byte[] bytes = File.ReadAllBytes(path);
        BitConverter.TryWriteBytes(bytes.AsSpan(18, 4), 60_000); // BITMAPINFOHEADER width
        BitConverter.TryWriteBytes(bytes.AsSpan(22, 4), 60_000); // and height: 3.6·10^9 pixels claimed
        File.WriteAllBytes(path, bytes);
        var decoder = new ImageDecoder(new PreprocessingOptions { ImageSize = 16 });

        var error = Assert.Throws<ImageRejectedException>(() => decoder.Decode(path, new byte[3 * 16 * 16]));

        Assert.Contains("60000x60000", error.Message);
        Assert.True(error.Message.Contains("over the limit"), error.Message);
        Assert.Contains(path, error.Message);
    }

    public void Dispose() => _dir.Dispose();
}

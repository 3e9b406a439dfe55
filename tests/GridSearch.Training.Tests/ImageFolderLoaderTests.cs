using GridSearch.TestSupport;
using GridSearch.Training.Data;
using SixLabors.ImageSharp.PixelFormats;

namespace GridSearch.Training.Tests;

public sealed class ImageFolderLoaderTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("loader");

    private static DatasetLoadResult Load(string root, bool skipBad = false, long maxPixels = 40_000_000, string? cache = null) =>
        new DatasetLoader(new PreprocessingOptions
        {
            ImageSize = 16, SkipBadImages = skipBad, MaxImagePixels = maxPixels, CacheDirectory = cache,
        }).Load(root);

    private static byte[] ImageBytes(DecodedDataset dataset, int index) => dataset.ImageBytes(index);

    [Fact]
    public void Load_MixedSizesAndFormats_DecodesEveryImageToRgbInImageFolderOrder()
    {
        string root = _dir.Combine("data");
        TestImages.SolidPng(Path.Combine(root, "dog", "b.png"), 40, 10, new Rgba32(10, 20, 30, 0)); // alpha dropped
        TestImages.GreyPng(Path.Combine(root, "dog", "a.png"), 7, 90, 77);
        TestImages.GreyJpeg(Path.Combine(root, "cat", "z.jpg"), 33, 33, 200);
        TestImages.SolidBmp(Path.Combine(root, "cat", "m.bmp"), 128, 64, new Rgb24(255, 0, 128));
        File.WriteAllText(Path.Combine(root, "cat", "notes.txt"), "not an image");

        var dataset = Load(root).Dataset;

        Assert.Equal(["cat", "dog"], dataset.Classes);
        Assert.Equal(["cat/m.bmp", "cat/z.jpg", "dog/a.png", "dog/b.png"], dataset.Files);
        Assert.Equal([0, 0, 1, 1], dataset.Labels.Select(l => (int)l));
        Assert.Equal(4 * 3 * 16 * 16, dataset.PixelBytes);
        AssertPlanes(ImageBytes(dataset, 0), 255, 0, 128);
        Assert.All(ImageBytes(dataset, 1), v => Assert.InRange(v, 199, 201)); // JPEG: grey within one level
        AssertPlanes(ImageBytes(dataset, 2), 77, 77, 77);
        AssertPlanes(ImageBytes(dataset, 3), 10, 20, 30);
    }

    private static void AssertPlanes(byte[] image, byte r, byte g, byte b)
    {
        int plane = image.Length / 3;
        Assert.All(image[..plane], v => Assert.Equal(r, v));
        Assert.All(image[plane..(2 * plane)], v => Assert.Equal(g, v));
        Assert.All(image[(2 * plane)..], v => Assert.Equal(b, v));
    }

    [Fact]
    public void Load_LinkCycleAndDuplicateLink_EachFolderReadOnceWithWarnings()
    {
        string root = _dir.Combine("data");
        TestImages.GreyPng(Path.Combine(root, "cat", "a.png"), 8, 8, 10);
        TestImages.GreyPng(Path.Combine(root, "dog", "nested", "b.png"), 8, 8, 20);
        Directory.CreateSymbolicLink(Path.Combine(root, "cat", "loop"), root);                     // a cycle
        Directory.CreateSymbolicLink(Path.Combine(root, "dog", "again"), Path.Combine(root, "dog", "nested")); // read twice?

        var loaded = Load(root);

        // Folders are read in ordinal order, so "again" is read and "nested" is the duplicate.
        Assert.Equal(["cat/a.png", "dog/again/b.png"], loaded.Dataset.Files);
        Assert.Contains(loaded.Warnings, w => w.Contains("cat/loop") && w.Contains("already read"));
        Assert.Contains(loaded.Warnings, w => w.Contains("dog/nested") && w.Contains("already read"));
    }

    [Fact]
    public void Load_LinkedImagesFolder_IsFollowed()
    {
        string elsewhere = _dir.Combine("elsewhere");
        TestImages.GreyPng(Path.Combine(elsewhere, "c.png"), 8, 8, 30);
        string root = _dir.Combine("data");
        TestImages.GreyPng(Path.Combine(root, "cat", "a.png"), 8, 8, 10);
        Directory.CreateDirectory(Path.Combine(root, "dog"));
        Directory.CreateSymbolicLink(Path.Combine(root, "dog", "linked"), elsewhere);

        Assert.Equal(["cat/a.png", "dog/linked/c.png"], Load(root).Dataset.Files);
    }

    [Fact]
    public void Open_AnimatedGif_DecodesOnlyTheFirstFrame()
    {
        string gif = _dir.Combine("animated.gif");
        TestImages.AnimatedGif(gif, 64, 64, frames: 30);

        using var image = new ImageDecoder(new PreprocessingOptions()).Open(gif);

        Assert.Equal(1, image.Frames.Count);
        Assert.Equal(new Rgb24(255, 0, 0), image[10, 10]);
    }

    [Fact]
    public void Open_DecoderThrowsAnyException_IsABadImageNamingTheFile()
    {
        // A GIF whose first frame's LZW data is cut short after the header: whatever the decoder throws for it
        // becomes a rejection naming the file, which --skip-bad-images can skip.
        string gif = _dir.Combine("cut.gif");
        TestImages.AnimatedGif(gif, 64, 64, frames: 1);
        byte[] bytes = File.ReadAllBytes(gif);
        File.WriteAllBytes(gif, bytes[..20]);

        var error = Assert.Throws<ImageRejectedException>(() => new ImageDecoder(new PreprocessingOptions()).Open(gif));

        Assert.Contains(gif, error.Message);
    }

    [Fact]
    public void Load_MissingRoot_NamesThePath()
    {
        string root = _dir.Combine("nowhere");

        var error = Assert.Throws<DataProblemException>(() => Load(root));

        Assert.Contains(root, error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void Load_OneClass_AsksForTwo()
    {
        string root = _dir.Combine("one");
        TestImages.GreyPng(Path.Combine(root, "only", "a.png"), 8, 8, 1);

        var error = Assert.Throws<DataProblemException>(() => Load(root));

        Assert.Contains("1 class folder", error.Message);
    }

    [Fact]
    public void Load_EmptyClass_NamesTheFolder()
    {
        string root = _dir.Combine("empty");
        TestImages.GreyPng(Path.Combine(root, "a", "x.png"), 8, 8, 1);
        Directory.CreateDirectory(Path.Combine(root, "b"));
        File.WriteAllText(Path.Combine(root, "b", "readme.md"), "no images here");

        var error = Assert.Throws<DataProblemException>(() => Load(root));

        Assert.Contains(Path.Combine(root, "b"), error.Message);
        Assert.Contains("holds no images", error.Message);
    }

    [Fact]
    public void Load_CorruptImage_FailsNamingTheFile()
    {
        string root = TestImages.WriteImageFolder(_dir.Combine("corrupt"), 3);
        File.WriteAllBytes(Path.Combine(root, "a", "broken.jpg"), [0xFF, 0xD8, 0xFF, 0xE0, 0, 1, 2, 3]);

        var error = Assert.Throws<DataProblemException>(() => Load(root));

        Assert.Contains(Path.Combine(root, "a", "broken.jpg"), error.Message);
        Assert.Contains("--skip-bad-images", error.Message);
    }

    [Fact]
    public void Load_CorruptImageWithSkip_SkipsAndListsIt()
    {
        string root = TestImages.WriteImageFolder(_dir.Combine("skip"), 3);
        File.WriteAllText(Path.Combine(root, "b", "fake.png"), "text pretending to be a PNG");

        var dataset = Load(root, skipBad: true).Dataset;

        Assert.Equal(6, dataset.Count);
        var skipped = Assert.Single(dataset.Skipped);
        Assert.Equal("b/fake.png", skipped.RelativePath);
        Assert.DoesNotContain("b/fake.png", dataset.Files);
    }

    [Fact]
    public void Load_HugeDimensionsInHeader_RefusedBeforeDecoding()
    {
        string root = TestImages.WriteImageFolder(_dir.Combine("huge"), 2);
        TestImages.PngHeaderOnly(Path.Combine(root, "a", "bomb.png"), 100_000, 100_000);

        var error = Assert.Throws<DataProblemException>(() => Load(root, maxPixels: 1_000_000));

        Assert.Contains("bomb.png", error.Message);
        Assert.Contains("100000x100000", error.Message);
        Assert.Contains("--max-image-pixels", error.Message);
    }

    public void Dispose() => _dir.Dispose();
}

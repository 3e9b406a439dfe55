using GridSearch.TestSupport;
using GridSearch.Training.Data;

namespace GridSearch.Training.Tests;

public sealed class DatasetCacheTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("cache");

    private static DatasetLoadResult Load(string root, string? cache) =>
        new DatasetLoader(new PreprocessingOptions { ImageSize = 16, CacheDirectory = cache }).Load(root);

    [Fact]
    public void Load_SecondTime_ReadsTheCacheWithIdenticalBytes()
    {
        string root = TestImages.WriteImageFolder(_dir.Combine("data"), 5);
        string cache = _dir.Combine("cache");

        var first = Load(root, cache);
        var second = Load(root, cache);

        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(first.CachePath, second.CachePath);
        Assert.Equal(AllBytes(first.Dataset), AllBytes(second.Dataset));
        Assert.Equal(first.Dataset.Labels, second.Dataset.Labels);
        Assert.Equal(first.Dataset.Files, second.Dataset.Files);
        Assert.Single(Directory.GetFiles(cache)); // no temporary files left behind
    }

    [Fact]
    public void Load_AfterAFileChanges_MissesTheCache()
    {
        string root = TestImages.WriteImageFolder(_dir.Combine("data"), 5);
        string cache = _dir.Combine("cache");
        var first = Load(root, cache);

        string changed = Path.Combine(root, "a", "a000.jpg");
        File.SetLastWriteTimeUtc(changed, File.GetLastWriteTimeUtc(changed).AddMinutes(1));
        var second = Load(root, cache);

        Assert.False(second.FromCache);
        Assert.NotEqual(first.CachePath, second.CachePath);
    }

    [Fact]
    public void Load_WithOtherPreprocessing_MissesTheCache()
    {
        string root = TestImages.WriteImageFolder(_dir.Combine("data"), 5);
        string cache = _dir.Combine("cache");
        Load(root, cache);

        var other = new DatasetLoader(new PreprocessingOptions { ImageSize = 8, CacheDirectory = cache }).Load(root);

        Assert.False(other.FromCache);
    }

    [Fact]
    public void Load_DamagedCacheFile_IsDetectedAndRebuilt()
    {
        string root = TestImages.WriteImageFolder(_dir.Combine("data"), 5);
        string cache = _dir.Combine("cache");
        var first = Load(root, cache);
        byte[] bytes = File.ReadAllBytes(first.CachePath!);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(first.CachePath!, bytes);

        var second = Load(root, cache);
        var third = Load(root, cache);

        Assert.False(second.FromCache);
        Assert.Contains(second.Warnings, w => w.Contains("damaged", StringComparison.Ordinal));
        Assert.Equal(AllBytes(first.Dataset), AllBytes(second.Dataset));
        Assert.True(third.FromCache);
    }

    [Fact]
    public void Load_TruncatedCacheFile_IsDetectedAndRebuilt()
    {
        string root = TestImages.WriteImageFolder(_dir.Combine("data"), 5);
        string cache = _dir.Combine("cache");
        var first = Load(root, cache);
        using (var stream = new FileStream(first.CachePath!, FileMode.Open))
        {
            stream.SetLength(stream.Length - 100);
        }

        var second = Load(root, cache);

        Assert.False(second.FromCache);
        Assert.Contains(second.Warnings, w => w.Contains("damaged", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_UnwritableCacheDirectory_WarnsAndContinues()
    {
        string root = TestImages.WriteImageFolder(_dir.Combine("data"), 5);
        string blocker = _dir.Combine("a-file");
        File.WriteAllText(blocker, "a file where the cache folder should be");

        var result = Load(root, Path.Combine(blocker, "cache"));

        Assert.Equal(10, result.Dataset.Count);
        Assert.Null(result.CachePath);
        Assert.Contains(result.Warnings, w => w.Contains("not writable", StringComparison.Ordinal));
    }

    public void Dispose() => _dir.Dispose();

    private static byte[][] AllBytes(DecodedDataset dataset) => Enumerable.Range(0, dataset.Count).Select(dataset.ImageBytes).ToArray();
}

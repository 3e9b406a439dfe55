using System.Collections.Concurrent;
using System.Diagnostics;

namespace GridSearch.Training.Data;

/// <summary>
/// Turns an ImageFolder root into a <see cref="DecodedDataset"/>: from the on-disk cache when its key matches,
/// otherwise by decoding every image once, in parallel, and caching the result.
/// </summary>
public sealed class DatasetLoader(PreprocessingOptions options)
{
    /// <summary>Called after each decoded image with (decoded so far, total); may be called from many threads.</summary>
    public Action<int, int>? OnImageDecoded { get; init; }

    public DatasetLoadResult Load(string root)
    {
        var clock = Stopwatch.StartNew();
        var warnings = new List<string>();
        ImageFolderIndex index = ImageFolderScanner.Scan(root);
        warnings.AddRange(index.Warnings);
        string? cachePath = PrepareCachePath(index, warnings);

        if (cachePath is not null && File.Exists(cachePath))
        {
            DecodedDataset? cached = TryReadCache(cachePath, warnings);
            if (cached is not null)
            {
                return new DatasetLoadResult(WithRoot(cached, index.Root), true, clock.Elapsed.TotalSeconds, cachePath,
                    warnings);
            }
        }

        DecodedDataset dataset = Decode(index);
        if (cachePath is not null)
        {
            try
            {
                DatasetCacheFile.Write(cachePath, dataset);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                warnings.Add($"Could not write the decode cache '{cachePath}' ({error.Message}); continuing without it.");
                cachePath = null;
            }
        }

        return new DatasetLoadResult(dataset, false, clock.Elapsed.TotalSeconds, cachePath, warnings);
    }

    private string? PrepareCachePath(ImageFolderIndex index, List<string> warnings)
    {
        if (string.IsNullOrWhiteSpace(options.CacheDirectory))
        {
            return null;
        }

        string directory = Path.GetFullPath(options.CacheDirectory);
        try
        {
            Directory.CreateDirectory(directory);
            // Probe writability now, so the warning comes before a long decode rather than after it.
            string probe = Path.Combine(directory, $".probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            warnings.Add($"Cache directory '{directory}' is not writable ({error.Message}); continuing without the " +
                         "decode cache. Set --cache-dir or GRIDSEARCH_CACHE_DIR to a writable folder.");
            return null;
        }

        return Path.Combine(directory, DatasetCacheKey.Compute(index, options) + ".gsds");
    }

    private static DecodedDataset? TryReadCache(string cachePath, List<string> warnings)
    {
        string? problem;
        DecodedDataset? cached;
        try
        {
            cached = DatasetCacheFile.TryRead(cachePath, out problem);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            (cached, problem) = (null, error.Message);
        }

        if (cached is null)
        {
            warnings.Add($"Decode cache '{cachePath}' is damaged ({problem}); decoding again and rebuilding it.");
        }

        return cached;
    }

    // The key ignores the absolute root, so the same files under another path share a cache entry.
    private static DecodedDataset WithRoot(DecodedDataset dataset, string root) => dataset.Root == root
        ? dataset
        : new DecodedDataset(root, dataset.Classes, dataset.ImageSize, dataset.Files, dataset.Labels, dataset.Pixels,
            dataset.Skipped);

    private DecodedDataset Decode(ImageFolderIndex index)
    {
        int count = index.Files.Count;
        int perImage = options.PixelsPerImage;
        var pixels = new byte[(long)count * perImage];
        var rejected = new ConcurrentDictionary<int, ImageRejectedException>();
        var decoder = new ImageDecoder(options);
        int done = 0;
        var parallelism = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.DecodeThreads > 0 ? options.DecodeThreads : Environment.ProcessorCount,
        };
        Parallel.For(0, count, parallelism, i =>
        {
            try
            {
                decoder.Decode(Path.Combine(index.Root, index.Files[i].RelativePath),
                    pixels.AsSpan((int)((long)i * perImage), perImage));
            }
            catch (ImageRejectedException error)
            {
                rejected[i] = error;
            }

            OnImageDecoded?.Invoke(Interlocked.Increment(ref done), count);
        });

        if (rejected.IsEmpty)
        {
            return new DecodedDataset(index.Root, index.Classes, options.ImageSize,
                index.Files.Select(f => f.RelativePath).ToArray(), index.Files.Select(f => (byte)f.Label).ToArray(),
                pixels, []);
        }

        if (!options.SkipBadImages)
        {
            var first = rejected.OrderBy(pair => pair.Key).Take(5).Select(pair => "  " + pair.Value.Message);
            throw new DataProblemException(
                $"{rejected.Count} image(s) under '{index.Root}' cannot be used:\n{string.Join('\n', first)}" +
                (rejected.Count > 5 ? $"\n  … and {rejected.Count - 5} more" : "") +
                "\nFix or remove them, or pass --skip-bad-images to train without them.");
        }

        return WithoutRejected(index, pixels, rejected);
    }

    private DecodedDataset WithoutRejected(ImageFolderIndex index, byte[] pixels,
        IReadOnlyDictionary<int, ImageRejectedException> rejected)
    {
        int perImage = options.PixelsPerImage;
        int[] kept = Enumerable.Range(0, index.Files.Count).Where(i => !rejected.ContainsKey(i)).ToArray();
        for (int label = 0; label < index.Classes.Count; label++)
        {
            if (!kept.Any(i => index.Files[i].Label == label))
            {
                throw new DataProblemException(
                    $"Every image in class folder '{Path.Combine(index.Root, index.Classes[label])}' is unreadable; " +
                    "no usable images are left for that class.");
            }
        }

        var compact = new byte[(long)kept.Length * perImage];
        for (int k = 0; k < kept.Length; k++)
        {
            Array.Copy(pixels, (long)kept[k] * perImage, compact, (long)k * perImage, perImage);
        }

        var skipped = rejected.OrderBy(pair => pair.Key)
            .Select(pair => new SkippedImage(index.Files[pair.Key].RelativePath, pair.Value.Reason))
            .ToArray();
        return new DecodedDataset(index.Root, index.Classes, options.ImageSize,
            kept.Select(i => index.Files[i].RelativePath).ToArray(),
            kept.Select(i => (byte)index.Files[i].Label).ToArray(), compact, skipped);
    }
}

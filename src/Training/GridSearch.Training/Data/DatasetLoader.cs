using System.Collections.Concurrent;
using System.Diagnostics;
using TorchSharp;

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
                    warnings) { Fingerprint = DatasetCacheKey.Compute(index, options) };
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

        return new DatasetLoadResult(dataset, false, clock.Elapsed.TotalSeconds, cachePath, warnings)
        {
            Fingerprint = DatasetCacheKey.Compute(index, options),
        };
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
    private static DecodedDataset WithRoot(DecodedDataset dataset, string root)
    {
        if (dataset.Root == root)
        {
            return dataset;
        }

        using (dataset)
        {
            return dataset.WithRoot(root);
        }
    }

    /// <summary>Images decoded into one block before it is copied into the data set's tensor (about 50 MB at 128×128).</summary>
    private const int BlockImages = 1024;

    /// <summary>
    /// Decodes every image, in parallel, block by block into a reused buffer that is copied into the native pixel
    /// tensor: memory stays at the decoded size plus one block, whatever the number of images.
    /// </summary>
    private DecodedDataset Decode(ImageFolderIndex index)
    {
        int count = index.Files.Count;
        int perImage = options.PixelsPerImage;
        var pixels = torch.empty([count, PreprocessingOptions.Channels, options.ImageSize, options.ImageSize], torch.ScalarType.Byte);
        try
        {
            var rejected = new ConcurrentDictionary<int, ImageRejectedException>();
            var decoder = new ImageDecoder(options);
            var block = new byte[(long)Math.Min(BlockImages, Math.Max(1, count)) * perImage];
            int done = 0;
            var parallelism = new ParallelOptions
            {
                MaxDegreeOfParallelism = options.DecodeThreads > 0 ? options.DecodeThreads : Environment.ProcessorCount,
            };
            for (int first = 0; first < count; first += BlockImages)
            {
                int start = first;
                int rows = Math.Min(BlockImages, count - first);
                Parallel.For(0, rows, parallelism, k =>
                {
                    try
                    {
                        decoder.Decode(Path.Combine(index.Root, index.Files[start + k].RelativePath),
                            block.AsSpan(k * perImage, perImage));
                    }
                    catch (ImageRejectedException error)
                    {
                        rejected[start + k] = error;
                    }

                    OnImageDecoded?.Invoke(Interlocked.Increment(ref done), count);
                });
                TensorRows.Write(pixels, start, block, rows);
            }

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
        catch
        {
            pixels.Dispose();
            throw;
        }
    }

    /// <summary>Moves the usable images to the front, in order, in place (no second copy of the pixels).</summary>
    private DecodedDataset WithoutRejected(ImageFolderIndex index, torch.Tensor pixels,
        IReadOnlyDictionary<int, ImageRejectedException> rejected)
    {
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

        for (int k = 0; k < kept.Length; k++)
        {
            if (kept[k] != k)
            {
                using var from = pixels[kept[k]];
                using var to = pixels[k];
                to.copy_(from);
            }
        }

        var compact = pixels.narrow(0, 0, kept.Length);
        pixels.Dispose(); // the narrowed view keeps the storage
        var skipped = rejected.OrderBy(pair => pair.Key)
            .Select(pair => new SkippedImage(index.Files[pair.Key].RelativePath, pair.Value.Reason))
            .ToArray();
        return new DecodedDataset(index.Root, index.Classes, options.ImageSize,
            kept.Select(i => index.Files[i].RelativePath).ToArray(),
            kept.Select(i => (byte)index.Files[i].Label).ToArray(), compact, skipped);
    }
}

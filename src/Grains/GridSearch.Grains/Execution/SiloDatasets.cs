using System.Collections.Concurrent;
using GridSearch.Abstractions;
using GridSearch.Grains.Metrics;
using GridSearch.Training.Data;
using GridSearch.Training.Runtime;
using GridSearch.Training.Trainer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GridSearch.Grains.Execution;

/// <summary>
/// The data sets this silo has decoded: one decoded copy per data root and file contents, and one tensor copy per
/// split, shared read-only by every trial on the silo. A change to any file gives a new entry.
/// </summary>
public sealed partial class SiloDatasets(IOptions<TrainerSiloOptions> options, GridSearchMetrics metrics, ILogger<SiloDatasets> logger)
    : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<DatasetLoadResult>>> _decoded = new();
    private readonly ConcurrentDictionary<(string Key, long Seed, double Train, double Validation), Lazy<Task<TrainingData>>> _prepared = new();
    private readonly Lazy<TorchSharp.torch.Device> _device = new(() => TorchDevices.Resolve(options.Value.Device));

    public TorchSharp.torch.Device Device => _device.Value;

    private readonly ConcurrentDictionary<DataRequest, FolderScan> _scans = new();

    /// <summary>A run of a started sweep trusts a scan of its folder this recent; an older one is taken again.</summary>
    public static readonly TimeSpan ScanReuse = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The data set and split of a request. The folder is scanned (to notice changed files) when a sweep starts
    /// (<see cref="DescribeAsync"/>), on a silo's first use, and for a sweep's runs when the last scan is older than
    /// <see cref="ScanReuse"/>. A request that names a fingerprint (a started sweep's) is refused when the files
    /// differ from the ones the sweep started with: no sweep mixes two versions of its data.
    /// </summary>
    public async Task<(DatasetLoadResult Loaded, TrainingData Data)> PrepareAsync(DataRequest request, bool rescan = false)
    {
        DataRootPolicy.Check(request.Root, options.Value.DataRoots);
        var preprocessing = Preprocessing(request);
        var scan = Scan(request, rescan || (request.Fingerprint is not null && IsStale(request)));
        if (request.Fingerprint is { } expected && scan.Fingerprint != expected)
        {
            throw new DataProblemException(
                $"The data set '{request.Root}' on this trainer is not the one the sweep started with: it now lists " +
                $"{scan.Index.Files.Count} image file(s) and its fingerprint is {scan.Fingerprint[..12]}, not {expected[..12]}. " +
                "Restore the data the sweep started with, or start a new sweep on the changed data ('gridsearch resume' says what changed).");
        }

        string key = request.Root + "|" + scan.Fingerprint;

        var loaded = await GetOrAdd(_decoded, key, () => Task.Run(() => Load(request.Root, preprocessing)));
        var data = await GetOrAdd(_prepared, (key, request.Seed, request.TrainFraction, request.ValidationFraction),
            () => Task.Run(() => TrainingData.Create(loaded.Dataset,
                DataSplit.Create(loaded.Dataset.Count, request.Seed, request.TrainFraction, request.ValidationFraction),
                Device)));
        return (loaded, data);
    }

    /// <summary>
    /// Starts loading a data set in the background, e.g. while the silo itself starts, so that the sweep's own
    /// <see cref="DescribeAsync"/> finds it ready or under way. A failure is only logged: the sweep's load tries
    /// again and reports it.
    /// </summary>
    public void Prefetch(DataRequest request) => _ = Task.Run(async () =>
    {
        try
        {
            await PrepareAsync(request, rescan: true);
        }
        catch (Exception error)
        {
            LogPrefetchFailed(request.Root, error.Message);
        }
    });

    public async Task<DatasetSummary> DescribeAsync(DataRequest request)
    {
        var (loaded, data) = await PrepareAsync(request, rescan: true);
        var dataset = loaded.Dataset;
        return new DatasetSummary(dataset.Root, dataset.Classes.ToArray(), dataset.Count, data.Split.Train.Length,
            data.Split.Validation.Length, data.Split.Test.Length,
            dataset.Skipped.Select(s => $"{s.RelativePath}: {s.Reason}").ToArray(), loaded.DecodeSeconds, loaded.FromCache,
            Scan(request, rescan: false).Fingerprint);
    }

    /// <summary>The data set's files as they are now (a fresh scan) and their fingerprint.</summary>
    public DataManifest Manifest(DataRequest request)
    {
        DataRootPolicy.Check(request.Root, options.Value.DataRoots);
        var scan = Scan(request, rescan: true);
        return new DataManifest(scan.Fingerprint,
            scan.Index.Files.Select(f => new DataFile(f.RelativePath, f.Length, f.LastWriteTicksUtc)).ToArray());
    }

    // Scans are shared by every request for the same folder and settings, whatever fingerprint they expect.
    private FolderScan Scan(DataRequest request, bool rescan)
    {
        var folder = request with { Fingerprint = null };
        if (!rescan && _scans.TryGetValue(folder, out var scan))
        {
            return scan;
        }

        var index = ImageFolderScanner.Scan(request.Root);
        scan = new FolderScan(index, DatasetCacheKey.Compute(index, Preprocessing(request)), DateTime.UtcNow);
        _scans[folder] = scan;
        return scan;
    }

    private bool IsStale(DataRequest request) =>
        !_scans.TryGetValue(request with { Fingerprint = null }, out var scan) || DateTime.UtcNow - scan.ScannedAt > ScanReuse;

    private sealed record FolderScan(ImageFolderIndex Index, string Fingerprint, DateTime ScannedAt);

    private PreprocessingOptions Preprocessing(DataRequest request) => new()
    {
        SkipBadImages = request.SkipBadImages,
        MaxImagePixels = request.MaxImagePixels,
        CacheDirectory = string.IsNullOrWhiteSpace(options.Value.CacheDirectory) ? null : options.Value.CacheDirectory,
    };

    private DatasetLoadResult Load(string root, PreprocessingOptions preprocessing)
    {
        var result = new DatasetLoader(preprocessing) { OnImageDecoded = (_, _) => metrics.ImagesDecoded(1) }.Load(root);
        if (!result.FromCache)
        {
            metrics.DataSetDecoded(result.DecodeSeconds);
        }

        foreach (string warning in result.Warnings)
        {
            LogWarning(warning);
        }

        LogLoaded(root, result.Dataset.Count, result.FromCache, result.DecodeSeconds);
        return result;
    }

    // A failed load is forgotten, so the next sweep (after the user fixes the data) tries again.
    private static async Task<T> GetOrAdd<TKey, T>(ConcurrentDictionary<TKey, Lazy<Task<T>>> entries, TKey key,
        Func<Task<T>> create) where TKey : notnull
    {
        var entry = entries.GetOrAdd(key, _ => new Lazy<Task<T>>(create));
        try
        {
            return await entry.Value;
        }
        catch
        {
            entries.TryRemove(new KeyValuePair<TKey, Lazy<Task<T>>>(key, entry));
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var entry in _prepared.Values.Where(e => e.IsValueCreated && e.Value.IsCompletedSuccessfully))
        {
            entry.Value.Result.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private partial void LogWarning(string warning);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Loading data set {Root} ahead of the sweep failed ({Error}); the sweep loads it again")]
    private partial void LogPrefetchFailed(string root, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Data set {Root}: {Images} images ready (from cache: {FromCache}) in {Seconds:F2} s")]
    private partial void LogLoaded(string root, int images, bool fromCache, double seconds);
}

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

    private readonly ConcurrentDictionary<DataRequest, string> _currentKeys = new();

    /// <summary>
    /// The data set and split of a request. The folder is scanned (to notice changed files) when a sweep starts
    /// (<see cref="DescribeAsync"/>) and on a silo's first use; trials in between reuse that scan.
    /// </summary>
    public async Task<(DatasetLoadResult Loaded, TrainingData Data)> PrepareAsync(DataRequest request, bool rescan = false)
    {
        DataRootPolicy.Check(request.Root, options.Value.DataRoots);
        var preprocessing = Preprocessing(request);
        if (rescan || !_currentKeys.TryGetValue(request, out string? key))
        {
            key = request.Root + "|" + DatasetCacheKey.Compute(ImageFolderScanner.Scan(request.Root), preprocessing);
            _currentKeys[request] = key;
        }

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
            dataset.Skipped.Select(s => $"{s.RelativePath}: {s.Reason}").ToArray(), loaded.DecodeSeconds, loaded.FromCache);
    }

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

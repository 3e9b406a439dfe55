using GridSearch.Trainer.Metrics;
using System.Collections.Concurrent;
using GridSearch.Abstractions;
using GridSearch.Grains.Metrics;
using GridSearch.Training.Data;
using GridSearch.Training.Runtime;
using GridSearch.Training.Trainer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GridSearch.Trainer.Execution;

/// <summary>
/// The data sets this silo has decoded: one decoded copy per data root and file contents, and one split (index
/// tensors, normalised evaluation images) per seed, shared read-only by every run on the silo. A change to any file
/// gives a new entry. Decoded data sets stay while they fit <see cref="TrainerSiloOptions.DatasetMemoryBudget"/>;
/// beyond it the least recently used one that no run holds a lease on is freed (and decoded or read from the cache
/// again if a sweep needs it later).
/// </summary>
public sealed partial class SiloDatasets(IOptions<TrainerSiloOptions> options, TrainerMetrics metrics, ILogger<SiloDatasets> logger)
    : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DecodedEntry> _decoded = new();
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
    /// <returns>A lease: dispose it when the run no longer needs the data.</returns>
    public async Task<DatasetLease> PrepareAsync(DataRequest request, bool rescan = false)
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
        DecodedEntry entry;
        lock (_lock)
        {
            if (!_decoded.TryGetValue(key, out entry!))
            {
                entry = new DecodedEntry(new Lazy<Task<DatasetLoadResult>>(() => Task.Run(() => Load(request.Root, preprocessing))));
                _decoded[key] = entry;
            }

            entry.Leases++;
            entry.LastUsed = DateTime.UtcNow;
        }

        try
        {
            var loaded = await entry.Load.Value;
            if (loaded.Fingerprint != scan.Fingerprint)
            {
                // The files changed between the listing and the load: this entry does not hold what its key says.
                lock (_lock)
                {
                    if (_decoded.TryGetValue(key, out var current) && current == entry)
                    {
                        _decoded.Remove(key);
                    }
                }

                throw new DataProblemException(
                    $"The data set '{request.Root}' changed while this trainer was reading it" +
                    (request.Fingerprint is null ? "; start the sweep again once it no longer changes." :
                        ": it is not the one the sweep started with. Restore the data the sweep started with, or start a new sweep on the changed data."));
            }

            Task<TrainingData> prepared;
            lock (_lock)
            {
                var splitKey = (request.Seed, request.TrainFraction, request.ValidationFraction);
                if (!entry.Splits.TryGetValue(splitKey, out var split))
                {
                    split = new Lazy<Task<TrainingData>>(() => Task.Run(() => TrainingData.Create(loaded.Dataset,
                        DataSplit.Create(loaded.Dataset.Count, request.Seed, request.TrainFraction, request.ValidationFraction),
                        Device)));
                    entry.Splits[splitKey] = split;
                }

                prepared = split.Value;
            }

            var data = await prepared;
            EnforceBudget();
            return new DatasetLease(loaded, data, () => Release(entry));
        }
        catch
        {
            // A failed load is forgotten, so the next sweep (after the user fixes the data) tries again.
            lock (_lock)
            {
                entry.Leases--;
                if (entry.Load.Value.IsFaulted && _decoded.TryGetValue(key, out var current) && current == entry)
                {
                    _decoded.Remove(key);
                }
            }

            throw;
        }
    }

    /// <summary>Bytes of decoded pixels this silo holds now.</summary>
    public long ResidentBytes
    {
        get
        {
            lock (_lock)
            {
                return _decoded.Values.Sum(e => e.Load.IsValueCreated ? e.Bytes : 0);
            }
        }
    }

    private void Release(DecodedEntry entry)
    {
        lock (_lock)
        {
            entry.Leases--;
            entry.LastUsed = DateTime.UtcNow;
        }

        EnforceBudget();
    }

    /// <summary>
    /// Frees least recently used data sets that no run holds until the rest fit the budget. A data set in use is
    /// never freed, so one larger than the budget still trains (and is freed as soon as it is not needed).
    /// </summary>
    private void EnforceBudget()
    {
        var evicted = new List<DecodedEntry>();
        lock (_lock)
        {
            long budget = options.Value.EffectiveDatasetMemoryBudget;
            var loaded = _decoded.Where(e => e.Value.Load.IsValueCreated && e.Value.Load.Value.IsCompletedSuccessfully).ToList();
            long used = loaded.Sum(e => e.Value.Bytes);
            foreach (var (key, entry) in loaded.Where(e => e.Value.Leases == 0).OrderBy(e => e.Value.LastUsed))
            {
                if (used <= budget)
                {
                    break;
                }

                _decoded.Remove(key);
                used -= entry.Bytes;
                evicted.Add(entry);
                LogEvicted(entry.Load.Value.Result.Dataset.Root, entry.Bytes / (1024.0 * 1024.0), budget / (1024.0 * 1024.0));
            }
        }

        foreach (var entry in evicted)
        {
            entry.Dispose();
        }
    }

    /// <summary>One decoded data set, its splits, and how many runs hold it now.</summary>
    private sealed class DecodedEntry(Lazy<Task<DatasetLoadResult>> load) : IDisposable
    {
        public Lazy<Task<DatasetLoadResult>> Load { get; } = load;

        public Dictionary<(long Seed, double Train, double Validation), Lazy<Task<TrainingData>>> Splits { get; } = new();

        public int Leases { get; set; }

        public DateTime LastUsed { get; set; }

        public long Bytes => Load.Value.IsCompletedSuccessfully ? Load.Value.Result.Dataset.PixelBytes : 0;

        public void Dispose()
        {
            foreach (var split in Splits.Values.Where(s => s.IsValueCreated && s.Value.IsCompletedSuccessfully))
            {
                split.Value.Result.Dispose();
            }

            if (Load.IsValueCreated && Load.Value.IsCompletedSuccessfully)
            {
                Load.Value.Result.Dataset.Dispose();
            }
        }
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
            using var _ = await PrepareAsync(request, rescan: true);
        }
        catch (Exception error)
        {
            LogPrefetchFailed(request.Root, error.Message);
        }
    });

    public async Task<DatasetSummary> DescribeAsync(DataRequest request)
    {
        using var lease = await PrepareAsync(request, rescan: true);
        var (loaded, data) = (lease.Loaded, lease.Data);
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
        ImageSize = request.EffectiveImageSize,
        SkipBadImages = request.SkipBadImages,
        MaxImagePixels = request.MaxImagePixels,
        CacheDirectory = string.IsNullOrWhiteSpace(options.Value.CacheDirectory) ? null : options.Value.CacheDirectory,
    };

    // Data sets being decoded right now, by root as requested: how many images are done, for progress reports.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DecodeProgress> _decoding = new();

    /// <summary>How far the data set is decoded, while it is being decoded on this silo; null otherwise.</summary>
    public DecodeProgress? Progress(DataRequest request) => _decoding.GetValueOrDefault(request.Root);

    private DatasetLoadResult Load(string root, PreprocessingOptions preprocessing)
    {
        try
        {
            return LoadAndLog(root, preprocessing);
        }
        finally
        {
            _decoding.TryRemove(root, out _);
        }
    }

    private DatasetLoadResult LoadAndLog(string root, PreprocessingOptions preprocessing)
    {
        var result = new DatasetLoader(preprocessing)
        {
            OnImageDecoded = (done, total) =>
            {
                metrics.ImagesDecoded(1);
                // Many decoding threads report; a slightly stale count is fine for progress.
                _decoding[root] = new DecodeProgress(done, total);
            },
        }.Load(root);
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

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var entry in _decoded.Values)
            {
                entry.Dispose();
            }

            _decoded.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Data set {Root} freed ({Megabytes:F0} MB): the silo's data sets exceed its budget of {BudgetMegabytes:F0} MB (GridSearch:Trainer:DatasetMemoryBudget)")]
    private partial void LogEvicted(string root, double megabytes, double budgetMegabytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private partial void LogWarning(string warning);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Loading data set {Root} ahead of the sweep failed ({Error}); the sweep loads it again")]
    private partial void LogPrefetchFailed(string root, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Data set {Root}: {Images} images ready (from cache: {FromCache}) in {Seconds:F2} s")]
    private partial void LogLoaded(string root, int images, bool fromCache, double seconds);
}

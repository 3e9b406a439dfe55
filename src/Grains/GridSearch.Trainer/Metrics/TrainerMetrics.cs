using GridSearch.Trainer.Metrics;
using System.Diagnostics.Metrics;
using GridSearch.Abstractions;
using GridSearch.Trainer.Execution;
using I = GridSearch.Grains.Metrics.GridSearchInstruments;

namespace GridSearch.Trainer.Metrics;

/// <summary>
/// The trainer's instruments on GridSearch's meter: counters and histograms recorded where the work happens (trainer
/// slots, data loading) and gauges of this silo's executor and device memory, observed at scrape time.
/// </summary>
public sealed class TrainerMetrics
{
    private readonly Counter<long> _epochs;
    private readonly Histogram<double> _epochDuration;
    private readonly Counter<long> _samples;
    private readonly Counter<long> _imagesDecoded;
    private readonly Histogram<double> _decodeDuration;

    public TrainerMetrics(IMeterFactory meters, RunExecutor executor, ILocalSiloDetails silo,
        Microsoft.Extensions.Options.IOptions<TrainerSiloOptions> trainer, DevicePacking packing)
    {
        var meter = meters.Create(I.MeterName);
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = I.DurationBuckets };
        _epochs = meter.CreateCounter<long>(I.Epochs, description: "Epochs trained (not replayed from checkpoints).");
        _epochDuration = meter.CreateHistogram(I.EpochDuration, "s", "Wall-clock seconds per epoch, validation included.", advice: advice);
        _samples = meter.CreateCounter<long>(I.SamplesTrained, description: "Training samples processed.");
        _imagesDecoded = meter.CreateCounter<long>(I.ImagesDecoded, description: "Images decoded (cache misses only).");
        _decodeDuration = meter.CreateHistogram(I.DecodeDuration, "s", "Seconds to decode a whole data set.", advice: advice);

        var siloTag = new KeyValuePair<string, object?>(I.SiloTag, silo.Name);
        meter.CreateObservableGauge(I.TrainerSlotsBusy, () => new Measurement<int>(executor.Busy, siloTag), description: "Trainer slots running work on this silo.");
        meter.CreateObservableGauge(I.TrainerSlots, () => new Measurement<int>(executor.Slots, siloTag), description: "Trainer slots on this silo.");
        meter.CreateObservableGauge(I.TrainerRunsInFlight, () => new Measurement<int>(executor.RunsInFlight, siloTag),
            description: "Runs training on this silo now (a run trains one cell, or the cells that share its first epochs): a fused group counts every run still in it.");
        if (packing.Gate is { } gate)
        {
            // What the executor packs by: estimated bytes of the work training now, against the budget.
            meter.CreateObservableGauge(I.TrainerDeviceMemoryReserved, () => new Measurement<long>(gate.ReservedBytes, siloTag), "By",
                "Device memory reserved by the runs and fused groups training on this silo now (their estimates).");
            meter.CreateObservableGauge(I.TrainerDeviceMemoryBudget, () => new Measurement<long>(gate.BudgetBytes, siloTag), "By",
                "Device memory this silo's training work may reserve at once.");
        }

        // GPU memory only where a trainer uses CUDA and the NVIDIA driver is there to ask.
        string device = trainer.Value.Device?.Trim().ToLowerInvariant() ?? "auto";
        if (trainer.Value.Enabled && device != "cpu" && NvmlDeviceMemory.TryOpen() is { } nvml)
        {
            meter.CreateObservableGauge(I.DeviceMemory, () => Enumerable.Range(0, nvml.DeviceCount)
                .Select(d => (Device: d, Used: nvml.UsedBytes(d)))
                .Where(d => d.Used is not null)
                .Select(d => new Measurement<long>(d.Used!.Value, siloTag, new KeyValuePair<string, object?>("device", $"cuda:{d.Device}"))),
                "By", "GPU memory in use (NVML).");
        }
    }

    public void EpochTrained(string sweepId, EpochMetrics metrics)
    {
        var sweep = new KeyValuePair<string, object?>(I.SweepIdTag, sweepId);
        _epochs.Add(1, sweep);
        _epochDuration.Record(metrics.Seconds, sweep);
    }

    public void SamplesTrained(string sweepId, int samples) => _samples.Add(samples, new KeyValuePair<string, object?>(I.SweepIdTag, sweepId));

    public void ImagesDecoded(int images) => _imagesDecoded.Add(images);

    public void DataSetDecoded(double seconds) => _decodeDuration.Record(seconds);
}

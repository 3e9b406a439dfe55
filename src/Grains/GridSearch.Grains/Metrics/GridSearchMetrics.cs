using System.Diagnostics.Metrics;
using System.Globalization;
using GridSearch.Abstractions;
using GridSearch.Grains.Execution;
using I = GridSearch.Grains.Metrics.GridSearchInstruments;

namespace GridSearch.Grains.Metrics;

/// <summary>
/// GridSearch's one meter: counters and histograms recorded where the work happens (trainer slots, data loading)
/// and gauges observed at scrape time from the coordinators' published sweeps and this silo's executor.
/// </summary>
public sealed class GridSearchMetrics
{
    private readonly Counter<long> _epochs;
    private readonly Histogram<double> _epochDuration;
    private readonly Counter<long> _samples;
    private readonly Counter<long> _imagesDecoded;
    private readonly Histogram<double> _decodeDuration;

    public GridSearchMetrics(IMeterFactory meters, SweepMetricsRegistry sweeps, RunExecutor executor, ILocalSiloDetails silo,
        Microsoft.Extensions.Options.IOptions<TrainerSiloOptions> trainer, DevicePacking packing)
    {
        var meter = meters.Create(I.MeterName);
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = I.DurationBuckets };
        _epochs = meter.CreateCounter<long>(I.Epochs, description: "Epochs trained (not replayed from checkpoints).");
        _epochDuration = meter.CreateHistogram(I.EpochDuration, "s", "Wall-clock seconds per epoch, validation included.", advice: advice);
        _samples = meter.CreateCounter<long>(I.SamplesTrained, description: "Training samples processed.");
        _imagesDecoded = meter.CreateCounter<long>(I.ImagesDecoded, description: "Images decoded (cache misses only).");
        _decodeDuration = meter.CreateHistogram(I.DecodeDuration, "s", "Seconds to decode a whole data set.", advice: advice);

        meter.CreateObservableGauge(I.Trials, () => sweeps.Current().SelectMany(TrialCounts), description: "Trials of a sweep by state.");
        meter.CreateObservableGauge(I.TrialValidationAccuracy, () => PerTrial(sweeps, e => e.ValidationAccuracy), "1", "Latest validation accuracy of each trial.");
        meter.CreateObservableGauge(I.TrialTrainLoss, () => PerTrial(sweeps, e => e.TrainLoss), "1", "Latest mean training loss of each trial.");
        meter.CreateObservableGauge(I.TrialEpoch, () => PerTrial(sweeps, e => e.Epoch), description: "Latest completed epoch of each trial.");
        meter.CreateObservableGauge(I.TrialInfo, () => Info(sweeps), description: "1 for every trial, labelled with its hyperparameters.");
        meter.CreateObservableGauge(I.SweepBestValidationAccuracy, () => PerSweep(sweeps, s => s.Best?.ValidationAccuracy), "1", "Best validation accuracy so far.");
        meter.CreateObservableGauge(I.SweepTestAccuracy, () => PerSweep(sweeps, s => s.TestAccuracy), "1", "Test accuracy of the winner.");
        meter.CreateObservableGauge(I.SweepWaitingForTrainers,
            () => PerSweep(sweeps, s => s.Status.IsFinal() ? null : s.WaitingForTrainersSince is null ? 0 : 1), "1",
            "1 while an unfinished sweep has no trainer silo to run on (it waits for one), else 0.");
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

    private static IEnumerable<Measurement<long>> TrialCounts(SweepSnapshot sweep) =>
        Enum.GetValues<CellStatus>().Select(state => new Measurement<long>(
            sweep.Trials.Count(t => t.Status == state),
            new KeyValuePair<string, object?>(I.SweepIdTag, sweep.SweepId),
            new KeyValuePair<string, object?>(I.StateTag, state.ToString().ToLowerInvariant())));

    private static IEnumerable<Measurement<double>> PerTrial(SweepMetricsRegistry sweeps, Func<EpochMetrics, double> value) =>
        from sweep in sweeps.Current()
        from trial in sweep.Trials
        where trial.Epochs.Length > 0
        select new Measurement<double>(value(trial.Epochs[^1]),
            new KeyValuePair<string, object?>(I.SweepIdTag, sweep.SweepId),
            new KeyValuePair<string, object?>(I.TrialIdTag, trial.TrialId));

    // One series per cell, labelled with every parameter (a fixed set of label names) and its state, so dashboards
    // join the per-cell series to parameters and can tell stopped cells apart without unbounded label sets.
    private static IEnumerable<Measurement<int>> Info(SweepMetricsRegistry sweeps) =>
        from sweep in sweeps.Current()
        from trial in sweep.Trials
        select new Measurement<int>(1,
            new[]
            {
                new KeyValuePair<string, object?>(I.SweepIdTag, sweep.SweepId),
                new KeyValuePair<string, object?>(I.TrialIdTag, trial.TrialId),
                new KeyValuePair<string, object?>(I.StateTag, trial.Status.ToString().ToLowerInvariant()),
                new KeyValuePair<string, object?>(I.LearningRateTag, trial.Parameters.LearningRate.ToString("R", CultureInfo.InvariantCulture)),
                new KeyValuePair<string, object?>(I.BatchSizeTag, trial.Parameters.BatchSize.ToString(CultureInfo.InvariantCulture)),
                new KeyValuePair<string, object?>(I.EpochsTag, trial.Parameters.Epochs.ToString(CultureInfo.InvariantCulture)),
            }.Concat(trial.Parameters.Values
                .Where(s => s.Name is not (ParameterCatalog.LearningRate or ParameterCatalog.BatchSize or ParameterCatalog.Epochs))
                .Select(s => new KeyValuePair<string, object?>(s.Name, s.Value.ToString()))).ToArray());

    private static IEnumerable<Measurement<double>> PerSweep(SweepMetricsRegistry sweeps, Func<SweepSnapshot, double?> value) =>
        from sweep in sweeps.Current()
        let v = value(sweep)
        where v is not null
        select new Measurement<double>(v.Value, new KeyValuePair<string, object?>(I.SweepIdTag, sweep.SweepId));
}

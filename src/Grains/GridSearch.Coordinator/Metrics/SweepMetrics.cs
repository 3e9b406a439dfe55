using GridSearch.Coordinator.Metrics;
using System.Diagnostics.Metrics;
using System.Globalization;
using GridSearch.Abstractions;
using I = GridSearch.Grains.Metrics.GridSearchInstruments;

namespace GridSearch.Coordinator.Metrics;

/// <summary>
/// The coordinator's gauges on GridSearch's meter, observed at scrape time from the sweeps this silo's coordinators
/// publish: cells by state, each cell's latest numbers and parameters, each sweep's best and test accuracy.
/// </summary>
public sealed class SweepMetrics
{
    public SweepMetrics(IMeterFactory meters, SweepMetricsRegistry sweeps)
    {
        var meter = meters.Create(I.MeterName);
        meter.CreateObservableGauge(I.Trials, () => sweeps.Current().SelectMany(CellCounts), description: "Trials of a sweep by state.");
        meter.CreateObservableGauge(I.TrialValidationAccuracy, () => PerCell(sweeps, Objective.ValidationAccuracy), "1", "Latest validation accuracy of each trial.");
        meter.CreateObservableGauge(I.TrialTrainLoss, () => PerCell(sweeps, Objective.TrainLoss), "1", "Latest mean training loss of each trial.");
        meter.CreateObservableGauge(I.TrialEpoch, () => LatestEpochs(sweeps), description: "Latest completed epoch of each trial.");
        meter.CreateObservableGauge(I.TrialInfo, () => Info(sweeps), description: "1 for every trial, labelled with its hyperparameters.");
        meter.CreateObservableGauge(I.SweepBestValidationAccuracy, () => PerSweep(sweeps, s => s.Spec.Objective == Objective.Default ? s.Best?.Value : null), "1", "Best validation accuracy so far.");
        meter.CreateObservableGauge(I.SweepTestAccuracy, () => PerSweep(sweeps, s => s.TestAccuracy), "1", "Test accuracy of the winner.");
        meter.CreateObservableGauge(I.SweepWaitingForTrainers,
            () => PerSweep(sweeps, s => s.Status.IsFinal() ? null : s.WaitingForTrainersSince is null ? 0 : 1), "1",
            "1 while an unfinished sweep has no trainer silo to run on (it waits for one), else 0.");
    }

    private static IEnumerable<Measurement<long>> CellCounts(SweepSnapshot sweep) =>
        Enum.GetValues<CellStatus>().Select(state => new Measurement<long>(
            sweep.Cells.Count(t => t.Status == state),
            new KeyValuePair<string, object?>(I.SweepIdTag, sweep.SweepId),
            new KeyValuePair<string, object?>(I.StateTag, state.ToString().ToLowerInvariant())));

    // A program's cell that does not report the metric has no series for it.
    private static IEnumerable<Measurement<double>> PerCell(SweepMetricsRegistry sweeps, string metric) =>
        from sweep in sweeps.Current()
        from trial in sweep.Cells
        where trial.Epochs.Length > 0
        let value = Objective.Reported(trial.Epochs[^1], metric)
        where value is not null
        select new Measurement<double>(value.Value,
            new KeyValuePair<string, object?>(I.SweepIdTag, sweep.SweepId),
            new KeyValuePair<string, object?>(I.TrialIdTag, trial.CellId));

    private static IEnumerable<Measurement<int>> LatestEpochs(SweepMetricsRegistry sweeps) =>
        from sweep in sweeps.Current()
        from trial in sweep.Cells
        where trial.Epochs.Length > 0
        select new Measurement<int>(trial.Epochs[^1].Epoch,
            new KeyValuePair<string, object?>(I.SweepIdTag, sweep.SweepId),
            new KeyValuePair<string, object?>(I.TrialIdTag, trial.CellId));

    // One series per cell, labelled with every parameter (a fixed set of label names) and its state, so dashboards
    // join the per-cell series to parameters and can tell stopped cells apart without unbounded label sets.
    private static IEnumerable<Measurement<int>> Info(SweepMetricsRegistry sweeps) =>
        from sweep in sweeps.Current()
        from trial in sweep.Cells
        select new Measurement<int>(1,
            new[]
            {
                new KeyValuePair<string, object?>(I.SweepIdTag, sweep.SweepId),
                new KeyValuePair<string, object?>(I.TrialIdTag, trial.CellId),
                new KeyValuePair<string, object?>(I.StateTag, trial.Status.ToString().ToLowerInvariant()),
            }.Concat(trial.Parameters.Values
                .Select(s => new KeyValuePair<string, object?>(TagOf(s.Name), s.Value.ToString()))).ToArray());

    private static string TagOf(string parameter) => parameter switch
    {
        ParameterCatalog.LearningRate => I.LearningRateTag,
        ParameterCatalog.BatchSize => I.BatchSizeTag,
        ParameterCatalog.Epochs => I.EpochsTag,
        // A program's own parameter may share a name with a label of the series itself.
        I.SweepIdTag or I.TrialIdTag or I.StateTag => "param_" + parameter,
        _ => parameter,
    };

    private static IEnumerable<Measurement<double>> PerSweep(SweepMetricsRegistry sweeps, Func<SweepSnapshot, double?> value) =>
        from sweep in sweeps.Current()
        let v = value(sweep)
        where v is not null
        select new Measurement<double>(v.Value, new KeyValuePair<string, object?>(I.SweepIdTag, sweep.SweepId));
}

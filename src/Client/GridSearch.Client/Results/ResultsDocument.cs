using GridSearch.Abstractions;

namespace GridSearch.Client.Results;

/// <summary>
/// results.json: the document other tools read. Names are part of the contract; epochs are 1-based and lists hold
/// one value per epoch in order.
/// </summary>
public sealed record ResultsDocument(
    string SweepId,
    string Status,
    long Seed,
    GridDocument Grid,
    DatasetDocument? Dataset,
    TrialDocument[] Trials,
    BestDocument? Best,
    double? TestAccuracy,
    TimingsDocument Timings,
    string? Message)
{
    public static ResultsDocument From(SweepSnapshot sweep) => new(
        sweep.SweepId,
        sweep.Status.ToString(),
        sweep.Spec.Seed,
        new GridDocument(sweep.Spec.LearningRates.Distinct().ToArray(), sweep.Spec.BatchSizes.Distinct().ToArray(),
            sweep.Spec.Epochs.Distinct().ToArray()),
        sweep.Dataset is { } d ? new DatasetDocument(d.Root, d.Classes, d.Images, d.Train, d.Validation, d.Test) : null,
        sweep.Trials.Select(t => new TrialDocument(t.TrialId, t.Parameters.LearningRate, t.Parameters.BatchSize,
            t.Parameters.Epochs, t.Status.ToString(), t.Epochs.Select(e => e.TrainLoss).ToArray(),
            t.Epochs.Select(e => e.ValidationAccuracy).ToArray(), t.BestEpoch == 0 ? null : t.BestEpoch,
            t.BestValidationAccuracy, t.Seconds, t.Silo, t.Error, t.WallSeconds)).ToArray(),
        sweep.Best is { } b
            ? new BestDocument(b.TrialId, b.Parameters.LearningRate, b.Parameters.BatchSize, b.Parameters.Epochs, b.Epoch, b.ValidationAccuracy)
            : null,
        sweep.TestAccuracy,
        new TimingsDocument(sweep.Timings.TotalSeconds, sweep.Timings.DecodeSeconds, sweep.Timings.TrainSeconds, sweep.Timings.EpochsTrained),
        sweep.Message);
}

public sealed record GridDocument(double[] Lr, int[] BatchSize, int[] Epochs);

public sealed record DatasetDocument(string Root, string[] Classes, int Images, int Train, int Val, int Test);

public sealed record TrialDocument(
    string Id,
    double Lr,
    int BatchSize,
    int Epochs,
    string Status,
    double[] TrainLoss,
    double[] ValAccuracy,
    int? BestEpoch,
    double? BestValAccuracy,
    double Seconds,
    string? Silo,
    string? Error,
    double WallSeconds);

public sealed record BestDocument(string TrialId, double Lr, int BatchSize, int Epochs, int Epoch, double ValAccuracy);

public sealed record TimingsDocument(double TotalSeconds, double DecodeSeconds, double TrainSeconds, int EpochsTrained);

using System.Text.Json.Serialization;

namespace GridSearch.Abstractions;

/// <summary>One grid cell as the coordinator knows it right now.</summary>
[GenerateSerializer, Immutable, Alias("gridsearch.TrialSnapshot")]
public sealed record CellSnapshot(
    [property: Id(0)] string CellId,
    [property: Id(1)] CellParameters Parameters,
    [property: Id(2)] CellStatus Status,
    [property: Id(3)] EpochMetrics[] Epochs,
    [property: Id(4)] int Attempts,
    [property: Id(5)] string? Silo,
    [property: Id(6)] string? Error,
    [property: Id(7)] double Seconds,
    [property: Id(8)] double WallSeconds = 0)
{
    /// <summary>The fused group the cell's run trained in, or null when it trained alone.</summary>
    [Id(9)] public string? FusedGroup { get; init; }

    /// <summary>Population-based training: each time the cell went on from another's checkpoint, in order; empty otherwise.</summary>
    [Id(10)] public PbtExploit[] Schedule { get; init; } = [];

    /// <summary>The 1-based epoch with the highest validation accuracy (earliest on ties), or 0 before the first.</summary>
    public int BestEpoch => BestEpochBy(Objective.Default);

    /// <summary>The 1-based epoch best by an objective (earliest on ties), or 0 before the first.</summary>
    public int BestEpochBy(Objective objective) => Epochs.Length == 0
        ? 0
        : Epochs.Aggregate((a, b) => objective.Score(b) > objective.Score(a) ? b : a).Epoch;

    public double? BestValidationAccuracy => Epochs.Length == 0 ? null : Epochs.Max(e => e.ValidationAccuracy);

    /// <summary>The objective's value at the cell's best epoch by it, or null before the first epoch (or when never reported).</summary>
    public double? BestValue(Objective objective) => BestEpochBy(objective) is var best and > 0
        ? objective.ValueOf(Epochs.First(e => e.Epoch == best))
        : null;
}

/// <summary>
/// The best (cell, epoch) so far by the sweep's <see cref="Objective"/> (validation accuracy for the built-in models), and
/// the objective's value there.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridsearch.BestTrial")]
public sealed record BestCell(
    [property: Id(0)] string CellId,
    [property: Id(1)] CellParameters Parameters,
    [property: Id(2)] int Epoch,
    [property: Id(3)] double Value);

/// <summary>Wall-clock figures of a sweep.</summary>
[GenerateSerializer, Immutable, Alias("gridsearch.SweepTimings")]
public sealed record SweepTimings(
    [property: Id(0)] double TotalSeconds,
    [property: Id(1)] double DecodeSeconds,
    [property: Id(2)] double TrainSeconds,
    [property: Id(3)] int EpochsTrained);

/// <summary>Everything a client shows about a sweep; answered without waiting on training.</summary>
[GenerateSerializer, Immutable, Alias("gridsearch.SweepSnapshot")]
public sealed record SweepSnapshot(
    [property: Id(0)] string SweepId,
    [property: Id(1)] SweepStatus Status,
    [property: Id(2)] SweepSpec Spec,
    [property: Id(3)] DatasetSummary? Dataset,
    [property: Id(4)] CellSnapshot[] Cells,
    [property: Id(5)] BestCell? Best,
    [property: Id(6)] double? TestAccuracy,
    [property: Id(7)] SweepTimings Timings,
    [property: Id(8)] string? Message,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] DateTimeOffset? FinishedAt,
    [property: Id(11)] DateTimeOffset? WaitingForTrainersSince = null,
    [property: Id(12)] DecodeProgress? Decoding = null,
    [property: Id(13)] long[]? TestConfusion = null,
    [property: Id(14)] IReadOnlyDictionary<string, double>? TestMetrics = null);

/// <summary>One line of <c>gridsearch list</c>.</summary>
[GenerateSerializer, Immutable, Alias("gridsearch.SweepSummary")]
public sealed record SweepSummary(
    [property: Id(0)] string SweepId,
    [property: Id(1)] SweepStatus Status,
    [property: Id(2), JsonPropertyName("trials")] int Cells,
    [property: Id(3), JsonPropertyName("trialsDone")] int CellsDone,
    [property: Id(4)] double? BestValidationAccuracy,
    [property: Id(5)] double? TestAccuracy,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] long? StateBytes = null);

/// <summary>The winner's weights as one float array, in its model's own order (for the baseline's logistic model: the linear weights in input order, then the bias).</summary>
[GenerateSerializer, Immutable, Alias("gridsearch.WinnerWeights")]
public sealed record WinnerWeights(
    [property: Id(0)] BestCell Best,
    [property: Id(1)] float[] Values);

namespace GridSearch.Abstractions;

/// <summary>Whether a sweep looks for the highest or the lowest value of its metric.</summary>
public enum MetricMode
{
    Max,
    Min,
}

/// <summary>
/// What a sweep optimises: one reported metric and its direction. The winner, the schedulers' rankings and the
/// best-so-far all read epochs through <see cref="Score"/>, where higher is always better.
/// </summary>
public sealed record Objective(string Metric, MetricMode Mode)
{
    public const string ValidationAccuracy = "val_accuracy";

    public const string TrainLoss = "train_loss";

    /// <summary>The built-in models' objective, and every sweep's that names none.</summary>
    public static Objective Default { get; } = new(ValidationAccuracy, MetricMode.Max);

    public static Objective Of(SweepSpec? spec) =>
        spec is null ? Default : new(string.IsNullOrEmpty(spec.Metric) ? ValidationAccuracy : spec.Metric, spec.Mode);

    /// <summary>The metric's value in one epoch, or null when the epoch did not report it.</summary>
    public double? ValueOf(EpochMetrics epoch) => Reported(epoch, Metric);

    /// <summary>
    /// Any metric's value in one epoch: the built-in models' val_accuracy and train_loss from their fields, a program's
    /// from what it reported; null when the epoch did not report it.
    /// </summary>
    public static double? Reported(EpochMetrics epoch, string metric) => metric switch
    {
        ValidationAccuracy when epoch.Reported is null || epoch.Reported.ContainsKey(ValidationAccuracy) => epoch.ValidationAccuracy,
        TrainLoss when epoch.Reported is null || epoch.Reported.ContainsKey(TrainLoss) => epoch.TrainLoss,
        _ => epoch.Reported?.TryGetValue(metric, out double value) == true ? value : null,
    };

    /// <summary>The epoch's value turned so that higher is better; a missing or NaN value ranks below every other.</summary>
    public double Score(EpochMetrics epoch) => ScoreOf(ValueOf(epoch));

    /// <summary>A value of the metric turned so that higher is better; missing or NaN ranks below every other.</summary>
    public double ScoreOf(double? value) => value is { } v && !double.IsNaN(v)
        ? (Mode == MetricMode.Max ? v : -v)
        : double.NegativeInfinity;

    /// <summary>How status lines name a value of the objective: "validation accuracy 0.7100", "val_loss 0.4213".</summary>
    public string Describe(double value) => this == Default
        ? $"validation accuracy {value.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)}"
        : $"{Metric} {value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>A table column's name for the objective's best value: "best val acc", "best val_loss".</summary>
    public string Column => this == Default ? "best val acc" : $"best {Metric}";

    /// <summary>A value as tables show it: 4 decimals for accuracies, 6 significant digits for other metrics.</summary>
    public string Format(double? value) => value is not { } v ? "-"
        : v.ToString(this == Default ? "F4" : "G6", System.Globalization.CultureInfo.InvariantCulture);

    public override string ToString() => $"{Metric} ({Mode.ToString().ToLowerInvariant()})";
}

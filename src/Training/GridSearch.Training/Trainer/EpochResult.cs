using GridSearch.Training.Model;

namespace GridSearch.Training.Trainer;

/// <summary>
/// What one finished epoch reports (epochs are 1-based), the weights right after it and the optimizer's state (null
/// for plain SGD, which has none).
/// </summary>
public sealed record EpochResult(
    int Epoch,
    double TrainLoss,
    double ValidationAccuracy,
    double Seconds,
    double SamplesPerSecond,
    ModelWeights Weights,
    byte[]? OptimizerState = null)
{
    /// <summary>Validation accuracy of each class (folder order); NaN for a class without validation images.</summary>
    public double[] ValidationClassAccuracy { get; init; } = [];

    /// <summary>A fused cell's momentum buffer after the epoch, in the layout of its weights; null unfused or without momentum.</summary>
    public float[]? FusedMomentum { get; init; }
}

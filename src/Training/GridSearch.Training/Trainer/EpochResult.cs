using GridSearch.Training.Model;

namespace GridSearch.Training.Trainer;

/// <summary>What one finished epoch reports (epochs are 1-based) and the weights right after it.</summary>
public sealed record EpochResult(
    int Epoch,
    double TrainLoss,
    double ValidationAccuracy,
    double Seconds,
    double SamplesPerSecond,
    ModelWeights Weights);

namespace GridSearch.Client.Commands;

/// <summary>The document <c>gridsearch train --json</c> prints.</summary>
public sealed record TrainResult(
    double Lr,
    int BatchSize,
    int Epochs,
    long Seed,
    double[] TrainLoss,
    double[] ValAccuracy,
    int BestEpoch,
    double BestValAccuracy,
    double TestAccuracy,
    TrainTimings Timings);

/// <summary>Wall-clock seconds: the whole command, loading the data set, and training with validation.</summary>
public sealed record TrainTimings(double TotalSeconds, double DecodeSeconds, double TrainSeconds);

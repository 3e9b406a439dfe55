namespace GridSearch.Training.Trainer;

/// <summary>How a trainer uses the machine.</summary>
public sealed record TrainerOptions
{
    /// <summary>Intra-op threads for this trainer's thread; 0 leaves TorchSharp's default.</summary>
    public int Threads { get; init; }

    /// <summary>Batch size for validation and test passes (does not change results, only speed).</summary>
    public int EvaluationBatchSize { get; init; } = 512;
}

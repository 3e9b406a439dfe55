namespace GridSearch.Trainer.Execution;

/// <summary>
/// What a trainer can do beyond training one run: whether it trains fused groups, whether it trains on a GPU, and
/// the device memory its training work may reserve at once (null: not packed by memory).
/// </summary>
public sealed record TrainerCapabilities(bool FusedTraining, bool OnGpu = false, long? DeviceMemoryBudget = null)
{
    /// <summary>A trainer that trains every run alone (simulated and scripted trainers).</summary>
    public static TrainerCapabilities RunsAlone { get; } = new(false);
}

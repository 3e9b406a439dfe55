using GridSearch.Training.Model;

namespace GridSearch.Training.Trainer;

/// <summary>One cell (or shared-prefix run) of a fused group: its plan, and where it resumes (null: its initial weights).</summary>
public sealed record FusedLane(TrainingPlan Plan, FusedLaneStart? From = null)
{
    public int StartEpoch => From?.CompletedEpochs ?? 0;
}

/// <summary>A fused lane's checkpoint: its completed epochs, weights (the unfused model's layout) and momentum buffer.</summary>
public sealed record FusedLaneStart(int CompletedEpochs, ModelWeights Weights, float[]? Momentum = null);

/// <summary>Where a fused group reports, lane by lane (rows are the lanes' places in the group). Called on the training thread.</summary>
public interface IFusedProgress
{
    /// <summary>Whether the lane should go on training; false retires it at the next batch (stopped or cancelled).</summary>
    bool Wanted(int row) => true;

    /// <summary>A batch finished for a lane that trained in it (1-based epoch and batch numbers).</summary>
    void Batch(int row, int epoch, int batch, int samples)
    {
    }

    /// <summary>A lane finished an epoch.</summary>
    void Epoch(int row, EpochResult result);

    /// <summary>A lane diverged and left the group; the others go on.</summary>
    void Failed(int row, TrainingDivergedException error);
}

using GridSearch.Abstractions;

namespace GridSearch.Trainer.Execution;

/// <summary>Where a running run reports as it goes (called on the trainer slot's thread).</summary>
public interface IRunProgress
{
    /// <summary>A batch finished (1-based epoch and batch numbers).</summary>
    void Batch(int epoch, int batch, int samples);

    /// <summary>
    /// An epoch finished, with the weights after it and the optimizer's state (null when it has none); a run in a
    /// fused group passes its momentum buffer instead (null without momentum).
    /// </summary>
    void Epoch(EpochMetrics metrics, float[] weights, byte[]? optimizerState = null, float[]? fusedMomentum = null);
}

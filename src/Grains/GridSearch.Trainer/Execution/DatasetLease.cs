using GridSearch.Abstractions;
using GridSearch.Training.Data;
using GridSearch.Training.Trainer;

namespace GridSearch.Trainer.Execution;

/// <summary>
/// A prepared data set in use by one run or test. While any lease on it is held the silo keeps it in memory; once
/// none is, it may be evicted to stay within <see cref="TrainerSiloOptions.DatasetMemoryBudget"/>.
/// </summary>
public sealed class DatasetLease(DatasetLoadResult loaded, TrainingData data, Action release) : IDisposable
{
    private int _released;

    public DatasetLoadResult Loaded { get; } = loaded;

    public TrainingData Data { get; } = data;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            release();
        }
    }
}

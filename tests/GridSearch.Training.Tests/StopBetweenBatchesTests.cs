using GridSearch.Training.Trainer;

namespace GridSearch.Training.Tests;

/// <summary>
/// A cancelled run stops at the next batch, not at the end of its epoch: what makes cancelling a sweep or stopping a
/// cell prompt even when epochs are long. Alone, the cancellation token is checked before every batch; in a fused
/// group, a lane no longer wanted is retired at the next batch while its neighbours train on.
/// </summary>
public sealed class StopBetweenBatchesTests
{
    private static readonly TrainerOptions Options = new() { Threads = 1 };

    [Fact]
    public void Run_CancelledAfterBatch3OfEpoch2_TrainsNoFurtherBatch_AndReportsOnlyEpoch1()
    {
        using var data = TinyData.Training(count: 120, size: 8, seed: 3); // 96 training images: 24 batches of 4 an epoch
        using var stop = new CancellationTokenSource();
        var batches = new List<(int Epoch, int Batch)>();
        var epochs = new List<EpochResult>();

        Assert.ThrowsAny<OperationCanceledException>(() => new ClassifierTrainer(data, Options).Train(new TrainingPlan(0.05, 4, 3, 1),
            epochs.Add, stop.Token, onBatch: (epoch, batch, _) =>
            {
                batches.Add((epoch, batch));
                if (epoch == 2 && batch == 3)
                {
                    stop.Cancel();
                }
            }));

        Assert.Equal(24 + 3, batches.Count);
        Assert.Equal((2, 3), batches[^1]);
        Assert.Equal([1], epochs.Select(e => e.Epoch));
    }

    [Fact]
    public void FusedLane_UnwantedAfterBatch3OfEpoch2_IsRetiredAtTheNextBatch_WhileItsNeighbourTrainsToTheEnd()
    {
        using var data = TinyData.Training(count: 120, size: 8, seed: 3);
        var progress = new Retiring(row: 1, epoch: 2, batch: 3);

        new FusedTrainer(data, Options).Train([new FusedLane(new TrainingPlan(0.05, 4, 3, 1)), new FusedLane(new TrainingPlan(0.01, 4, 3, 1))],
            progress, CancellationToken.None);

        Assert.Equal((2, 3), progress.Batches[1][^1]);
        Assert.Equal(24 + 3, progress.Batches[1].Count);
        Assert.Equal(3 * 24, progress.Batches[0].Count);
        Assert.Equal([1, 2, 3], progress.Epochs[0]);
        Assert.Equal([1], progress.Epochs[1]);
    }

    private sealed class Retiring(int row, int epoch, int batch) : IFusedProgress
    {
        private bool _retired;

        public List<(int Epoch, int Batch)>[] Batches { get; } = [[], []];

        public List<int>[] Epochs { get; } = [[], []];

        public bool Wanted(int lane) => lane != row || !_retired;

        public void Batch(int lane, int atEpoch, int atBatch, int samples)
        {
            Batches[lane].Add((atEpoch, atBatch));
            _retired |= lane == row && atEpoch == epoch && atBatch == batch;
        }

        public void Epoch(int lane, EpochResult result) => Epochs[lane].Add(result.Epoch);

        public void Failed(int lane, TrainingDivergedException error) => throw new InvalidOperationException(error.Message);
    }
}

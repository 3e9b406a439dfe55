using GridSearch.Abstractions;
using GridSearch.Trainer.Execution;

namespace GridSearch.Grains.Tests;

/// <summary>
/// A checkpoint keeps the weights of the run's best epoch as well as its last: when the coordinator's state lags by
/// several epochs (it saves lazily and its silo died), the replayed best epoch must carry its weights, or the sweep
/// names a winner whose weights are another epoch's.
/// </summary>
public sealed class RunCheckpointTests
{
    private static EpochMetrics Epoch(int epoch, double accuracy) => new(epoch, 0.5, accuracy, 0.1, 1000);

    private static float[] WeightsOf(int epoch) => [epoch, epoch * 10];

    private static RunCheckpoint Train(params double[] accuracies)
    {
        RunCheckpoint? checkpoint = null;
        for (int e = 1; e <= accuracies.Length; e++)
        {
            checkpoint = RunCheckpoint.After(checkpoint, 1, Epoch(e, accuracies[e - 1]), WeightsOf(e), "i", null);
        }

        return checkpoint!;
    }

    [Fact]
    public void After_BestEpochEarlierThanTheLast_KeepsItsWeightsForTheReplay()
    {
        var checkpoint = Train(0.6, 0.8, 0.7, 0.8);

        Assert.Equal(4, checkpoint.Epoch);
        Assert.Equal(2, checkpoint.BestEpoch); // the earliest of the equal best, as the coordinator breaks ties
        Assert.Equal(WeightsOf(4), checkpoint.WeightsAfter(4));
        Assert.Equal(WeightsOf(2), checkpoint.WeightsAfter(2));
        Assert.Empty(checkpoint.WeightsAfter(3));
        Assert.Empty(checkpoint.WeightsAfter(1));
    }

    [Fact]
    public void After_LastEpochIsTheBest_KeepsOneCopyOfTheWeights()
    {
        var checkpoint = Train(0.6, 0.7, 0.9);

        Assert.Equal(3, checkpoint.BestEpoch);
        Assert.Null(checkpoint.BestWeights);
        Assert.Equal(WeightsOf(3), checkpoint.WeightsAfter(3));
    }

    [Fact]
    public void After_ResumedFromAnOlderCheckpoint_CarriesTheBestWeightsOn()
    {
        // A resumed attempt continues from the stored checkpoint: the best epoch's weights survive the restart.
        var stored = Train(0.9, 0.5);
        var resumed = RunCheckpoint.After(stored, 2, Epoch(3, 0.4), WeightsOf(3), "i", null);

        Assert.Equal(1, resumed.BestEpoch);
        Assert.Equal(WeightsOf(1), resumed.WeightsAfter(1));
        Assert.Equal(2, resumed.Attempt);
    }

    // A program's epoch: its reported loss, and its run folder as that epoch left it.
    private static RunCheckpoint TrainProgram(Objective? testedBy, params double[] losses)
    {
        RunCheckpoint? checkpoint = null;
        for (int e = 1; e <= losses.Length; e++)
        {
            var metrics = Epoch(e, double.NaN) with { Reported = new Dictionary<string, double> { ["loss"] = losses[e - 1] } };
            checkpoint = RunCheckpoint.After(checkpoint, 1, metrics, [], "i", [(byte)e], testedBy: testedBy);
        }

        return checkpoint!;
    }

    [Fact]
    public void After_ProgramWithATestCommand_KeepsTheFolderOfItsBestEpochByTheObjective()
    {
        var lowest = new Objective("loss", MetricMode.Min);

        var checkpoint = TrainProgram(lowest, 0.9, 0.3, 0.5, 0.3);
        Assert.Equal(2, checkpoint.BestFolderEpoch); // the earliest of the equal best, as the coordinator picks the winner's epoch
        Assert.Equal([2], checkpoint.FolderAfter(2));
        Assert.Equal([4], checkpoint.FolderAfter(4));
        Assert.Null(checkpoint.FolderAfter(3));

        // The best epoch is the last: its folder is the last one, kept once.
        var improving = TrainProgram(lowest, 0.9, 0.3, 0.1);
        Assert.Equal((3, null), (improving.BestFolderEpoch, improving.BestFolder));
        Assert.Equal([3], improving.FolderAfter(3));

        // Higher is better under max; and without a test command nothing more is kept.
        Assert.Equal(1, TrainProgram(new Objective("loss", MetricMode.Max), 0.9, 0.3, 0.5).BestFolderEpoch);
        var untested = TrainProgram(null, 0.9, 0.3, 0.5);
        Assert.Equal((0, null), (untested.BestFolderEpoch, untested.BestFolder));
        Assert.Null(untested.FolderAfter(2));
    }
}

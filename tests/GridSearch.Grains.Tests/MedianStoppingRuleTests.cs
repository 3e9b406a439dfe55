using GridSearch.Abstractions;
using GridSearch.Coordinator;
using GridSearch.Coordinator.Scheduling;

namespace GridSearch.Grains.Tests;

/// <summary>
/// The median stopping rule decision by decision: the grace period, the minimum number of other runs, the median of an
/// odd and an even count, the others' mean over the first t epochs only, and the cell's best so far (not its last).
/// </summary>
public sealed class MedianStoppingRuleTests
{
    private static readonly MedianStoppingScheduler Rule = new();

    /// <summary>A sweep whose other runs have the given validation accuracies per epoch; the cell under decision is its own run.</summary>
    private static (SweepState Sweep, CellRecord Cell) Sweep(double[] cellAccuracies, double[][] others, int minEpochs = 1, int minSamples = 3)
    {
        var sweep = new SweepState
        {
            Spec = new SweepSpec { Scheduler = new SchedulerSpec { Name = SchedulerNames.Median, MinEpochs = minEpochs, MinSamples = minSamples } },
        };
        var cell = new CellRecord { Id = "cell", RunId = "run-cell", Epochs = Metrics(cellAccuracies) };
        sweep.Cells.Add(cell);
        for (int i = 0; i < others.Length; i++)
        {
            sweep.Cells.Add(new CellRecord { Id = $"other-{i}", RunId = $"run-{i}", Epochs = Metrics(others[i]) });
        }

        return (sweep, cell);
    }

    private static List<EpochMetrics> Metrics(double[] accuracies) =>
        accuracies.Select((accuracy, i) => new EpochMetrics(i + 1, 0.5, accuracy, 0.1, 1)).ToList();

    private static bool Continues(double[] cell, double[][] others, int minEpochs = 1, int minSamples = 3)
    {
        var (sweep, record) = Sweep(cell, others, minEpochs, minSamples);
        return Rule.Continue(sweep, record, record.Epochs[^1]);
    }

    private static readonly double[][] OddOthers = [[0.8], [0.2], [0.5]];
    private static readonly double[][] EvenOthers = [[0.2], [0.4], [0.6], [0.8]];

    [Theory]
    [InlineData(0.5, true)]   // at the median goes on
    [InlineData(0.49, false)] // below it stops
    public void OddNumberOfOthers_TheMiddleOneIsTheMedian(double accuracy, bool continues) =>
        Assert.Equal(continues, Continues([accuracy], OddOthers));

    [Theory]
    [InlineData(0.5, true)]   // the mean of the two middle ones
    [InlineData(0.45, false)] // above the lower middle one, still below the median
    [InlineData(0.55, true)]  // below the upper middle one, still above the median
    public void EvenNumberOfOthers_TheMeanOfTheTwoMiddleOnesIsTheMedian(double accuracy, bool continues) =>
        Assert.Equal(continues, Continues([accuracy], EvenOthers));

    [Fact]
    public void InTheGracePeriod_EvenTheWorstCellGoesOn_AndAtItsEndItIsJudged()
    {
        double[][] others = [[0.9, 0.9], [0.9, 0.9], [0.9, 0.9]];

        Assert.True(Continues([0.1], others, minEpochs: 2));
        Assert.False(Continues([0.1, 0.1], others, minEpochs: 2));
    }

    [Fact]
    public void WithFewerOtherRunsThanMinSamples_NothingStops_AndWithExactlyThatManyTheRuleDecides()
    {
        Assert.True(Continues([0.1], [[0.9], [0.9]], minSamples: 3));
        Assert.False(Continues([0.1], [[0.9], [0.9], [0.9]], minSamples: 3));
    }

    [Fact]
    public void OtherRuns_CountTheirMeanOverTheFirstTEpochsOnly()
    {
        // At epoch 2 the others' means are 0.5 (0.2 and 0.8), not their later 1.0s, nor their minimum 0.2.
        double[][] others = [[0.2, 0.8, 1.0, 1.0], [0.2, 0.8, 1.0, 1.0], [0.2, 0.8, 1.0, 1.0]];

        Assert.True(Continues([0.3, 0.5], others));
        Assert.False(Continues([0.3, 0.45], others));
    }

    [Fact]
    public void TheCell_IsJudgedByItsBestEpochSoFar_NotItsLast()
    {
        Assert.True(Continues([0.9, 0.1], [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]));
    }

    [Fact]
    public void OtherRunsThatHaveNotReachedTheEpoch_DoNotCount()
    {
        // Three runs at epoch 1 only: at epoch 2 there are no others yet, so nothing is decided.
        Assert.True(Continues([0.1, 0.1], [[0.9], [0.9], [0.9]]));
    }
}

using GridSearch.Abstractions;

namespace GridSearch.Grains.Tests;

/// <summary>Every rule of <see cref="SweepSpecRules"/> at its boundary: the last value accepted, the first refused, and the message.</summary>
public sealed class SweepSpecBoundaryTests
{
    private static SweepSpec Valid => new() { LearningRates = [0.01], BatchSizes = [8], Epochs = [2], DataRoot = "/data" };

    private static SweepSpec WithRange(string name, ParameterRange range) => Valid with
    {
        Parameters =
        [
            SearchDimension.Of(ParameterCatalog.LearningRate, [0.01]),
            SearchDimension.Of(ParameterCatalog.BatchSize, [8]),
            SearchDimension.Of(ParameterCatalog.Epochs, [2]),
            new SearchDimension(name, Range: range with { Count = range.Count ?? 2 }),
        ],
    };

    private static SweepSpec WithRangeReplacing(string name, ParameterRange range) => Valid with
    {
        Parameters =
        [
            .. Valid.Space.Where(d => d.Name != name),
            new SearchDimension(name, Range: range with { Count = range.Count ?? 2 }),
        ],
    };

    [Fact]
    public void ValidSpec_HasNoProblem()
    {
        Assert.Empty(SweepSpecRules.Problems(Valid));
    }

    [Theory]
    [InlineData(0.8, 0.1, true)]
    [InlineData(0.5, 0.49, true)]
    [InlineData(0.5, 0.5, false)]
    [InlineData(0, 0.1, false)]
    [InlineData(0.8, 0, false)]
    [InlineData(-0.1, 0.2, false)]
    public void SplitFractions_MustBePositiveAndLeaveATestSplit(double train, double validation, bool accepted)
    {
        var problems = SweepSpecRules.Problems(Valid with { TrainFraction = train, ValidationFraction = validation });

        string expected = $"split fractions train={train} and validation={validation} must be positive and sum to less than 1";
        Assert.Equal(accepted ? [] : [expected], problems);
    }

    [Theory]
    [InlineData(8, true)]
    [InlineData(1024, true)]
    [InlineData(7, false)]
    [InlineData(1025, false)]
    public void ImageSize_From8To1024(int size, bool accepted)
    {
        var problems = SweepSpecRules.Problems(Valid with { ImageSize = size });

        Assert.Equal(accepted ? [] : [$"image size {size} must be between 8 and 1024 pixels (the baseline's is 128)"], problems);
    }

    [Theory]
    [InlineData(1L, true)]
    [InlineData(500_000_000L, true)]
    [InlineData(0L, false)]
    [InlineData(500_000_001L, false)]
    public void MaxImagePixels_From1To500Million(long pixels, bool accepted)
    {
        var problems = SweepSpecRules.Problems(Valid with { MaxImagePixels = pixels });

        Assert.Equal(accepted ? [] : [$"max image pixels {pixels} must be between 1 and 500,000,000"], problems);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(256, true)]
    [InlineData(-1, false)]
    [InlineData(257, false)]
    public void FusedGroupSize_AutomaticOrFrom1To256(int size, bool accepted)
    {
        var problems = SweepSpecRules.Problems(Valid with { FusedGroupSize = size });

        Assert.Equal(accepted ? [] : [$"fused group size {size} must be between 1 (nothing fuses) and 256, or 0 (automatic: 16 on CPU trainers, as many as fit on a GPU)"],
            problems);
    }

    [Fact]
    public void Grid_OfExactly10000Cells_IsAccepted_OneMoreNeedsAllowLargeGrid()
    {
        var tenThousand = Valid with { LearningRates = Enumerable.Range(1, 100).Select(i => i / 1000.0).ToArray(), BatchSizes = Enumerable.Range(1, 100).ToArray() };
        var over = tenThousand with { Epochs = [2, 3] };

        Assert.Empty(SweepSpecRules.Problems(tenThousand));
        Assert.Equal(["the grid has 20,000 cells, over the limit of 10,000; narrow it or pass --allow-large-grid"], SweepSpecRules.Problems(over));
        Assert.Empty(SweepSpecRules.Problems(over with { AllowLargeGrid = true }));
    }

    [Fact]
    public void UnknownSearch_AndMissingScheduler_AreNamedWithTheChoices()
    {
        Assert.Equal(["unknown search 'bayes'; use one of grid, random, tpe, bohb"], SweepSpecRules.Problems(Valid with { Search = "bayes" }));
        Assert.Equal(["the scheduler is missing; name one of fifo, halving, asha, median, hyperband, pbt"], SweepSpecRules.Problems(Valid with { Scheduler = null! }));
    }

    [Theory]
    [InlineData("bayesband", 3, 1, 3, "unknown scheduler 'bayesband'; use one of fifo, halving, asha, median, hyperband, pbt")]
    [InlineData("halving", 1, 1, 3, "the scheduler's reduction factor (eta) 1 must be at least 2")]
    [InlineData("halving", 2, 0, 3, "the scheduler's first rung / grace period (min_epochs) 0 must be at least 1")]
    [InlineData("median", 2, 1, 0, "the median rule's min_samples 0 must be at least 1")]
    [InlineData("median", 2, 1, 1, null)]
    public void Scheduler_SettingsAtTheirBounds(string name, int eta, int minEpochs, int minSamples, string? problem)
    {
        var problems = SweepSpecRules.Problems(Valid with
        {
            Scheduler = new SchedulerSpec { Name = name, ReductionFactor = eta, MinEpochs = minEpochs, MinSamples = minSamples },
        });

        Assert.Equal(problem is null ? [] : [problem], problems);
    }

    [Theory]
    [InlineData(2, 0.25, 0.25, new[] { 6 }, "grid", null)]
    [InlineData(0, 0.25, 0.25, new[] { 6 }, "grid", "pbt's interval 0 must be at least 1 epoch")]
    [InlineData(2, 0, 0.25, new[] { 6 }, "grid", "pbt's quantile 0 must be above 0 and at most 0.5 (the bottom and the top share of the population)")]
    [InlineData(2, 0.5, 0.25, new[] { 6 }, "grid", null)]
    [InlineData(2, 0.25, 1.5, new[] { 6 }, "grid", "pbt's resample probability 1.5 must be between 0 and 1")]
    [InlineData(2, 0.25, 0.25, new[] { 2 }, "grid", "pbt trains the whole population for one epoch count, in intervals of 2: give epochs a single value above the interval (for example --epochs 8 with --pbt-interval 2)")]
    [InlineData(2, 0.25, 0.25, new[] { 4, 6 }, "grid", "pbt trains the whole population for one epoch count, in intervals of 2: give epochs a single value above the interval (for example --epochs 8 with --pbt-interval 2)")]
    [InlineData(2, 0.25, 0.25, new[] { 6 }, "tpe", "pbt's population is laid out when the sweep is created (--search grid or random), not proposed by tpe")]
    public void Pbt_SettingsAtTheirBounds_AndWhatItNeedsOfTheSweep(int interval, double quantile, double resample, int[] epochs, string search, string? problem)
    {
        var problems = SweepSpecRules.Problems(Valid with
        {
            LearningRates = [0.01, 0.1],
            Epochs = epochs,
            Search = search,
            Samples = search == "grid" ? 0 : 2,
            Scheduler = new SchedulerSpec { Name = SchedulerNames.Pbt, Interval = interval, Quantile = quantile, ResampleProbability = resample },
        });

        Assert.Equal(problem is null ? [] : [problem], problems);
    }

    [Fact]
    public void Pbt_NeedsAPopulationOfTwo()
    {
        var problems = SweepSpecRules.Problems(Valid with { Epochs = [6], Scheduler = new SchedulerSpec { Name = SchedulerNames.Pbt } });

        Assert.Equal(["pbt needs a population of at least two cells to compare: widen the space or raise --samples"], problems);
    }

    [Fact]
    public void Ranges_AreCheckedAtBothEnds_InOrder_ForTheirScale_CountAndWholeNumbers()
    {
        Assert.Empty(SweepSpecRules.Problems(WithRange(ParameterCatalog.Momentum, new ParameterRange(0, 0.9, Count: 4))));
        Assert.Equal(["momentum range: momentum 1 must be at least 0 and below 1, for example 0.9"],
            SweepSpecRules.Problems(WithRange(ParameterCatalog.Momentum, new ParameterRange(0.5, 1))));
        Assert.Equal(["momentum range: momentum -1 must be at least 0 and below 1, for example 0.9"],
            SweepSpecRules.Problems(WithRange(ParameterCatalog.Momentum, new ParameterRange(-1, 0.5))));
        Assert.Equal(["momentum range: min 0.9 is above max 0.1"],
            SweepSpecRules.Problems(WithRange(ParameterCatalog.Momentum, new ParameterRange(0.9, 0.1))));
        Assert.Empty(SweepSpecRules.Problems(WithRange(ParameterCatalog.Momentum, new ParameterRange(0.5, 0.5))));
        Assert.Equal(["weight_decay range: a log scale needs min above 0, not 0"],
            SweepSpecRules.Problems(WithRange(ParameterCatalog.WeightDecay, new ParameterRange(0, 0.1, RangeScale.Log))));
        Assert.Equal(["momentum range: count 0 must be at least 1"],
            SweepSpecRules.Problems(WithRange(ParameterCatalog.Momentum, new ParameterRange(0, 0.5, Count: 0))));
        Assert.Empty(SweepSpecRules.Problems(WithRange(ParameterCatalog.Momentum, new ParameterRange(0, 0.5, Count: 1))));
        Assert.Equal(["hidden range: hidden units 10.2 is not a whole number; it must be between 1 and 65,536",
                "hidden range: hidden units 10.8 is not a whole number; it must be between 1 and 65,536",
                "hidden range 10.2..10.8 holds no whole number"],
            SweepSpecRules.Problems(WithRange(ParameterCatalog.Hidden, new ParameterRange(10.2, 10.8))));
        Assert.Equal(["hidden range: min 12 is above max 10", "hidden range 12..10 holds no whole number"],
            SweepSpecRules.Problems(WithRange(ParameterCatalog.Hidden, new ParameterRange(12, 10))));
        Assert.Equal(["model takes one of logistic, mlp, cnn, not a range; give a list"],
            SweepSpecRules.Problems(WithRange(ParameterCatalog.Model, new ParameterRange(1, 2))));
        Assert.Equal(["momentum has both a list of values and a range; give one of them"],
            SweepSpecRules.Problems(Valid with
            {
                Parameters = [.. Valid.Space, new SearchDimension(ParameterCatalog.Momentum, [ParameterValue.Of(0.5)], new ParameterRange(0, 0.5, Count: 2))],
            }));
        Assert.Equal(["the momentum list is empty; give at least one value with --momentum"],
            SweepSpecRules.Problems(Valid with { Parameters = [.. Valid.Space, new SearchDimension(ParameterCatalog.Momentum, [])] }));
    }

    [Theory]
    [InlineData(100, 100, true)]
    [InlineData(101, 100, false)]
    public void BatchSize_UpToTheTrainingSplit_ForListsAndRanges(int batch, int train, bool accepted)
    {
        var dataset = new DatasetSummary("/data", ["a", "b"], 200, train, 10, 10, [], 0, false);
        string problem = $"batch size {batch} is larger than the training split ({train} images); use at most {train}";

        Assert.Equal(accepted ? [] : [problem], SweepSpecRules.DataProblems(Valid with { BatchSizes = [8, batch] }, dataset));
        Assert.Equal(accepted ? [] : [problem],
            SweepSpecRules.DataProblems(WithRangeReplacing(ParameterCatalog.BatchSize, new ParameterRange(2, batch + 0.5)), dataset));
    }

    [Theory]
    [InlineData(1e-50, false)]
    [InlineData(1e-30, true)]
    [InlineData(1.5e-45, true)]
    [InlineData(0, false)]
    [InlineData(-1, false)]
    [InlineData(double.PositiveInfinity, false)]
    [InlineData(double.NaN, false)]
    [InlineData(3.4e38, true)]
    [InlineData(3.5e38, false)]
    public void IsPositiveFloat32_OnlyForValuesAFloatHoldsAboveZero(double value, bool positive)
    {
        Assert.Equal(positive, SweepSpecRules.IsPositiveFloat32(value));
    }
}

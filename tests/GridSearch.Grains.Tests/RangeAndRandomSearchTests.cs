using GridSearch.Abstractions;

namespace GridSearch.Grains.Tests;

/// <summary>How ranges turn into values (grid points and random draws), and what random search refuses.</summary>
public sealed class RangeAndRandomSearchTests
{
    private static SweepSpec Random(int samples, params SearchDimension[] extra) => new()
    {
        Search = "random", Samples = samples, DataRoot = "/data",
        Parameters =
        [
            SearchDimension.Of(ParameterCatalog.LearningRate, [0.1, 0.01]),
            SearchDimension.Of(ParameterCatalog.BatchSize, [8, 16]),
            SearchDimension.Of(ParameterCatalog.Epochs, [2]),
            .. extra,
        ],
    };

    [Fact]
    public void LinearGrid_SpreadsCountPointsEvenlyFromMinToMax()
    {
        Assert.Equal([0.0, 0.25, 0.5, 0.75, 1.0], RangeValues.Grid(new ParameterRange(0, 1, Count: 5), ParameterKind.Float).Select(v => v.Number));
        Assert.Equal([2.0, 4.0, 6.0], RangeValues.Grid(new ParameterRange(2, 6, Count: 3), ParameterKind.Float).Select(v => v.Number));
    }

    [Fact]
    public void LogGrid_SpreadsPointsEvenlyInTheLogarithm()
    {
        Assert.Equal([1e-4, 1e-3, 1e-2, 1e-1], RangeValues.Grid(new ParameterRange(1e-4, 1e-1, RangeScale.Log, 4), ParameterKind.Float).Select(v => v.Number));
    }

    [Fact]
    public void GridOfOnePoint_IsTheMinimum()
    {
        Assert.Equal([3.0], RangeValues.Grid(new ParameterRange(3, 9, Count: 1), ParameterKind.Float).Select(v => v.Number));
    }

    [Fact]
    public void IntegerRanges_RoundHalfAwayFromZero_StayInsideTheirWholeNumbers_AndDropRepeats()
    {
        Assert.Equal([1.0, 4.0, 7.0, 10.0], RangeValues.Grid(new ParameterRange(1, 10, Count: 4), ParameterKind.Integer).Select(v => v.Number));
        Assert.Equal([2.0, 3.0], RangeValues.Grid(new ParameterRange(1.5, 3.5, Count: 5), ParameterKind.Integer).Select(v => v.Number));
        Assert.Equal(2.0, RangeValues.Draw(new ParameterRange(1.5, 3.5), ParameterKind.Integer, 0).Number);
        Assert.Equal(3.0, RangeValues.Draw(new ParameterRange(1.5, 3.5), ParameterKind.Integer, 1).Number);
        Assert.Equal(2.5, RangeValues.Draw(new ParameterRange(1.5, 3.5), ParameterKind.Float, 0.5).Number);
    }

    [Theory]
    [InlineData(3, 7, 5)]
    [InlineData(2.5, 7.2, 5)]
    [InlineData(5, 5, 1)]
    [InlineData(5.2, 5.8, 0)]
    [InlineData(7, 3, 0)]
    public void IntegersIn_CountsTheWholeNumbersOfARange(double min, double max, long count)
    {
        Assert.Equal(count, RangeValues.IntegersIn(new ParameterRange(min, max)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void RandomSearch_WithoutSamples_IsRefused(int samples)
    {
        Assert.Equal([$"random search needs --samples (or samples: in the sweep file) of at least 1, not {samples}"],
            SweepSpecRules.Problems(Random(samples)));
        Assert.Equal(0, new RandomSearcher().Count(Random(samples)));
    }

    [Fact]
    public void RandomSearch_OfOneSample_OrAsManyAsTheSpaceHolds_IsAccepted_OneMoreIsRefused()
    {
        Assert.Empty(SweepSpecRules.Problems(Random(1)));
        Assert.Empty(SweepSpecRules.Problems(Random(4)));
        Assert.Equal(["random search asks for 5 samples but the space has only 4 distinct cells; lower --samples to at most 4, widen the space, or use --search grid"],
            SweepSpecRules.Problems(Random(5)));
        Assert.Equal(4, SweepCells.Of(Random(4)).Count());
        Assert.Equal(4, SweepCells.Of(Random(4)).Distinct().Count());
    }

    [Fact]
    public void RandomSearch_CountsWholeNumberRanges_AndASpaceTooLargeToCountIsNotRefused()
    {
        var hidden = new SearchDimension(ParameterCatalog.Hidden, Range: new ParameterRange(10, 12));
        Assert.Equal(["random search asks for 13 samples but the space has only 12 distinct cells; lower --samples to at most 12, widen the space, or use --search grid"],
            SweepSpecRules.Problems(Random(13, hidden)));
        Assert.Empty(SweepSpecRules.Problems(Random(12, hidden)));

        // Three dimensions of 60,000 whole numbers each: 2·2·60,000³ cells overflow a long and count as "plenty".
        var huge = new[] { ParameterCatalog.Hidden, ParameterCatalog.Width, ParameterCatalog.Layers }
            .Select(name => new SearchDimension(name, Range: new ParameterRange(1, 60_000))).ToArray();
        var problems = SweepSpecRules.Problems(Random(10, huge));
        Assert.DoesNotContain(problems, p => p.StartsWith("random search asks", StringComparison.Ordinal));
    }

    [Fact]
    public void RandomSearch_DrawsFromRealRanges_InsideThem_AndOnTheirScale()
    {
        var momentum = new SearchDimension(ParameterCatalog.Momentum, Range: new ParameterRange(0.5, 0.6));
        var cells = SweepCells.Of(Random(50, momentum)).ToList();

        Assert.Equal(50, cells.Count);
        Assert.All(cells, c => Assert.InRange(c.Momentum, 0.5, 0.6));
        Assert.True(cells.Select(c => c.Momentum).Distinct().Count() > 40, "a real range gives (nearly) every draw its own value");
    }
}

using GridSearch.Abstractions;

namespace GridSearch.Grains.Tests;

public sealed class SweepSpecRulesTests
{
    private static readonly SweepSpec Valid = new() { DataRoot = "/data" };

    [Fact]
    public void Problems_ValidSpec_HasNone()
    {
        Assert.Empty(SweepSpecRules.Problems(Valid));
    }

    [Fact]
    public void Problems_ManyMistakes_AreAllReportedAtOnce()
    {
        var spec = Valid with
        {
            LearningRates = [0, double.NaN, -1, 0.1],
            BatchSizes = [],
            Epochs = [0],
            MaxConcurrent = -1,
            RetriesPerRun = -2,
            DataRoot = "",
        };

        var problems = SweepSpecRules.Problems(spec);

        Assert.Contains(problems, p => p.Contains("learning rate 0 must be"));
        Assert.Contains(problems, p => p.Contains("learning rate NaN must be"));
        Assert.Contains(problems, p => p.Contains("learning rate -1 must be"));
        Assert.Contains(problems, p => p.Contains("batch size list is empty"));
        Assert.Contains(problems, p => p.Contains("epochs 0 must be at least 1"));
        Assert.Contains(problems, p => p.Contains("max concurrent -1"));
        Assert.Contains(problems, p => p.Contains("retries per run -2"));
        Assert.Contains(problems, p => p.Contains("data root is empty"));
        Assert.Equal(8, problems.Count);
    }

    [Theory]
    [InlineData(1e308)]
    [InlineData(1e-60)]
    public void Problems_LearningRateOutsideFloat32_IsRefusedUpFront(double lr)
    {
        var problems = SweepSpecRules.Problems(Valid with { LearningRates = [lr, 0.01] });

        Assert.Contains(problems, p => p.Contains($"learning rate {lr}") && p.Contains("32-bit floats"));
    }

    [Theory]
    [InlineData("abc\n")]
    [InlineData("abc\r\n")]
    [InlineData("\nabc")]
    public void IsValidSweepId_ControlCharacterAtEitherEnd_IsRefused(string id)
    {
        Assert.False(SweepSpecRules.IsValidSweepId(id));
        Assert.True(SweepSpecRules.IsValidSweepId(id.Trim()));
    }

    [Fact]
    public void Problems_GridOverTenThousandCells_NeedsAllowLargeGrid()
    {
        var large = Valid with { LearningRates = Enumerable.Range(1, 101).Select(i => i / 1000.0).ToArray(), BatchSizes = Enumerable.Range(1, 100).ToArray(), Epochs = [1] };

        Assert.Contains(SweepSpecRules.Problems(large), p => p.Contains("10,100 cells") && p.Contains("--allow-large-grid"));
        Assert.Empty(SweepSpecRules.Problems(large with { AllowLargeGrid = true }));
    }

    [Fact]
    public void DataProblems_BatchLargerThanTrainingSplit_NamesTheLimit()
    {
        var dataset = new DatasetSummary("/data", ["a", "b"], 100, 80, 10, 10, [], 0, false);

        var problems = SweepSpecRules.DataProblems(Valid with { BatchSizes = [16, 81, 200] }, dataset);

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("batch size 81 is larger than the training split (80 images)"));
    }

    [Theory]
    [InlineData("sweep-1", true)]
    [InlineData("a", true)]
    [InlineData("", false)]
    [InlineData("-leading-dash", false)]
    [InlineData("has space", false)]
    [InlineData("../escape", false)]
    public void IsValidSweepId_AcceptsOnlySafeNames(string id, bool valid)
    {
        Assert.Equal(valid, SweepSpecRules.IsValidSweepId(id));
    }

    [Fact]
    public void Problems_OfASpecWithANamelessParameterOrNoScheduler_AreReportedNotThrown()
    {
        // What a client other than the CLI can send: the wire format carries nulls.
        var spec = new SweepSpec
        {
            DataRoot = "/data",
            Parameters = [new SearchDimension(null!, [ParameterValue.Of(0.1)]), SearchDimension.Of(ParameterCatalog.BatchSize, [16.0])],
            Scheduler = null!,
        };

        var problems = SweepSpecRules.Problems(spec);

        Assert.Contains(problems, p => p.StartsWith("a parameter has no name", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("the scheduler is missing", StringComparison.Ordinal));
    }
}

using GridSearch.Abstractions;

namespace GridSearch.Grains.Tests;

/// <summary>Parameter maps, ranges, random search and the space's rules.</summary>
public sealed class SearchSpaceTests
{
    private static readonly SearchDimension[] Space =
    [
        new(ParameterCatalog.LearningRate, Range: new ParameterRange(1e-4, 1e-1, RangeScale.Log)),
        SearchDimension.Of(ParameterCatalog.BatchSize, [16, 32]),
        SearchDimension.Of(ParameterCatalog.Epochs, [3]),
        SearchDimension.Of(ParameterCatalog.Momentum, [0, 0.9]),
        SearchDimension.Of(ParameterCatalog.Optimizer, ["sgd", "adam"]),
    ];

    private static SweepSpec Random(long seed, int samples = 12) =>
        new() { Parameters = Space, Search = "random", Samples = samples, Seed = seed, DataRoot = "/data" };

    [Fact]
    public void Random_TwelveSamples_AreDistinctAndTheSameForTheSameSeed()
    {
        var first = SweepCells.Of(Random(7)).ToArray();
        var again = SweepCells.Of(Random(7)).ToArray();
        var other = SweepCells.Of(Random(8)).ToArray();

        Assert.Equal(12, first.Length);
        Assert.Equal(12, first.Select(c => c.CellId).Distinct().Count());
        Assert.Equal(first.Select(c => c.CellId), again.Select(c => c.CellId));
        Assert.NotEqual(first.Select(c => c.CellId).Order(), other.Select(c => c.CellId).Order());
        Assert.All(first, c => Assert.InRange(c.LearningRate, 1e-4, 1e-1));
        Assert.Contains(first, c => c.Optimizer == "adam");
        Assert.Contains(first, c => c.Momentum == 0.9);
        Assert.Empty(SweepSpecRules.Problems(Random(7)));
    }

    [Fact]
    public void SweepRandom_IsSplitMix64_WhoseReferenceSequenceItGivesOnEveryMachine()
    {
        // SplitMix64's published first outputs for seed 0 (0xE220A8397B1DCDAF, …), checked with an independent
        // arbitrary-precision implementation; System.Random would not promise this across .NET versions.
        var random = new SweepRandom(0);
        Assert.Equal([16294208416658607535UL, 7960286522194355700UL, 487617019471545679UL], [random.Next(), random.Next(), random.Next()]);
        var stream = new SweepRandom(7UL ^ 0x5EA2_C400_0000_0003); // random search's stream for seed 7
        Assert.Equal(0.962466454180988, stream.NextDouble(), 15);
    }

    [Fact]
    public void Random_SeedSeven_DrawsThePinnedCells()
    {
        // Pinned: a change here changes every user's random sweep for the same seed. The first learning rate is
        // 10^(−4 + 3 × 0.962466454180988) = 0.0771613 (to 6 digits), from the stream above.
        Assert.Equal(
        [
            "lr0.0771613-bs32-ep3-mom0.9-adam", "lr0.00114833-bs32-ep3-mom0.9-adam", "lr0.0710594-bs16-ep3-adam",
            "lr0.078885-bs16-ep3-mom0.9-adam", "lr0.0551617-bs16-ep3-mom0.9-adam", "lr0.0355359-bs16-ep3-mom0.9-adam",
        ], SweepCells.Of(Random(7, samples: 6)).Select(c => c.CellId));
    }

    [Fact]
    public void Random_MoreSamplesThanTheListsHold_IsRefusedSayingHowManyThereAre()
    {
        var spec = new SweepSpec { Search = "random", Samples = 9, LearningRates = [0.1, 0.01], BatchSizes = [8, 16], Epochs = [1, 2], DataRoot = "/d" };

        Assert.Contains(SweepSpecRules.Problems(spec), p => p.Contains("asks for 9 samples but the space has only 8 distinct cells"));
    }

    [Fact]
    public void Grid_LogRangeWithCount_SpreadsEvenlyInTheLogarithmAndKeepsTheEnds()
    {
        var spec = new SweepSpec
        {
            Parameters = [new SearchDimension("lr", Range: new ParameterRange(1e-4, 1e-1, RangeScale.Log, Count: 4)),
                SearchDimension.Of("batch_size", [8]), SearchDimension.Of("epochs", [1])],
        };

        Assert.Equal([1e-4, 1e-3, 1e-2, 1e-1], SweepCells.Of(spec).Select(c => c.LearningRate));
        Assert.Contains(SweepSpecRules.Problems(spec with
        {
            Parameters = [new SearchDimension("lr", Range: new ParameterRange(1e-4, 1e-1)), SearchDimension.Of("batch_size", [8]), SearchDimension.Of("epochs", [1])],
        }), p => p.Contains("lr is a range without a count"));
    }

    [Fact]
    public void Problems_UnknownAndInvalidParameters_AreAllReportedAtOnce()
    {
        var spec = new SweepSpec
        {
            DataRoot = "/d",
            Parameters =
            [
                SearchDimension.Of("lr", [0.1]), SearchDimension.Of("batch_size", [8]), SearchDimension.Of("epochs", [1]),
                SearchDimension.Of("momentun", [0.9]), SearchDimension.Of("momentum", [1.5]), SearchDimension.Of("optimizer", ["rmsprop"]),
                new SearchDimension("weight_decay", Range: new ParameterRange(0, 0.1, RangeScale.Log, 3)),
            ],
            Scheduler = new SchedulerSpec { Name = "bayesband" },
        };

        var problems = SweepSpecRules.Problems(spec);

        Assert.Contains(problems, p => p.Contains("unknown parameter 'momentun' (did you mean 'momentum'?)"));
        Assert.Contains(problems, p => p.Contains("momentum 1.5 must be at least 0 and below 1"));
        Assert.Contains(problems, p => p.Contains("optimizer 'rmsprop' is not one of sgd, adam"));
        Assert.Contains(problems, p => p.Contains("weight_decay range: a log scale needs min above 0"));
        Assert.Contains(problems, p => p.Contains("unknown scheduler 'bayesband'"));
    }

    [Fact]
    public void Cell_DefaultValues_KeepTheSeedsIdAndEquality()
    {
        var withDefaults = CellParameters.From(new Dictionary<string, ParameterValue>
        {
            ["lr"] = ParameterValue.Of(0.01), ["batch_size"] = ParameterValue.Of(16), ["epochs"] = ParameterValue.Of(5),
            ["momentum"] = ParameterValue.Of(0), ["optimizer"] = ParameterValue.Of("sgd"),
        });
        var tuned = CellParameters.From(new Dictionary<string, ParameterValue>
        {
            ["lr"] = ParameterValue.Of(0.01), ["batch_size"] = ParameterValue.Of(16), ["epochs"] = ParameterValue.Of(5),
            ["momentum"] = ParameterValue.Of(0.9), ["weight_decay"] = ParameterValue.Of(1e-4), ["optimizer"] = ParameterValue.Of("adam"),
        });

        Assert.Equal(new CellParameters(0.01, 16, 5), withDefaults);
        Assert.Equal("lr0.01-bs16-ep5", withDefaults.CellId);
        Assert.Equal("lr0.01-bs16-ep5-mom0.9-wd0.0001-adam", tuned.CellId);
        Assert.Equal(tuned.WithEpochs(0), tuned.WithEpochs(5).WithEpochs(0));
        Assert.NotEqual(tuned.WithEpochs(0), withDefaults.WithEpochs(0));
    }
}

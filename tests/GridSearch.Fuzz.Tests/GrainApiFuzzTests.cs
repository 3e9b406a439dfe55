using CsCheck;
using GridSearch.Abstractions;

namespace GridSearch.Fuzz.Tests;

/// <summary>
/// What any client can send a coordinator: a sweep spec with any field values (nulls and non-finite numbers
/// included, as a hand-written client could send). The coordinator checks it with <see cref="SweepSpecRules"/> before it
/// stores anything; the check must hold for every spec, and a spec it accepts must expand into cells.
/// </summary>
public sealed class GrainApiFuzzTests
{
    private static readonly Gen<string?> Name = Gen.Frequency(
        (1, Gen.Const<string?>(() => null)),
        (6, Gen.OneOf<string>(ParameterCatalog.LearningRate, ParameterCatalog.BatchSize, ParameterCatalog.Epochs, ParameterCatalog.Momentum,
            ParameterCatalog.WeightDecay, ParameterCatalog.Optimizer, ParameterCatalog.Model, ParameterCatalog.Hidden, ParameterCatalog.Layers,
            ParameterCatalog.Dropout, ParameterCatalog.Width, "lr ", "", "unknown").Select(s => (string?)s)),
        (1, Gen.String[0, 8].Select(s => (string?)s)));

    private static readonly Gen<double> Number = Gen.Frequency(
        (4, Gen.Double), (2, Gen.OneOf<double>(double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0, -0.0, 1e-320, double.MaxValue, 16, 0.01, 5)),
        (2, Gen.Int[-5, 100].Select(i => (double)i)));

    private static readonly Gen<ParameterValue> Value = Gen.Frequency(
        (3, Number.Select(ParameterValue.Of)),
        (1, Gen.OneOf<string?>(null, "sgd", "adam", "mlp", "cnn", "logistic", "").Select(t => new ParameterValue(0, t))));

    private static readonly Gen<ParameterRange?> Range = Gen.Frequency(
        (3, Gen.Const<ParameterRange?>(() => null)),
        (1, Gen.Select(Number, Number, Gen.Enum<RangeScale>(), Gen.Int[-3, 100_000].Select(c => (int?)c),
            (min, max, scale, count) => (ParameterRange?)new ParameterRange(min, max, scale, count))));

    private static readonly Gen<SearchDimension> Dimension = Gen.Select(Name, Value.Array[0, 5].Null(), Range,
        (name, values, range) => new SearchDimension(name!, values, range));

    private static readonly Gen<SweepSpec> Specs = Gen.Select(
        Gen.Select(Dimension.Array[0, 6].Null(), Gen.OneOf<string?>(null, "grid", "random", "tpe", ""), Gen.Int[-2, 50],
            Gen.OneOf<string?>(null, "fifo", "halving", "asha", "median", "x"), Gen.Int[-1, 5], Gen.Int[-1, 5]),
        Gen.Select(Number, Number, Gen.Int[-1, 20], Gen.Int[-1, 3], Gen.Int[-1, 2000], Gen.Int[-1, 300]),
        Gen.Select(Gen.Bool, Gen.Bool, Gen.Long[-1, 600_000_000], Gen.Long, Gen.OneOf<string?>(null, "", "/data", "relative")),
        (a, b, c) => new SweepSpec
        {
            Parameters = a.Item1, Search = a.Item2!, Samples = a.Item3,
            Scheduler = new SchedulerSpec { Name = a.Item4!, ReductionFactor = a.Item5, MinEpochs = a.Item6 },
            TrainFraction = b.Item1, ValidationFraction = b.Item2, MaxConcurrent = b.Item3, RetriesPerRun = b.Item4,
            ImageSize = b.Item5, FusedGroupSize = b.Item6, AllowLargeGrid = c.Item1, Fuse = c.Item2, MaxImagePixels = c.Item3,
            Seed = c.Item4, DataRoot = c.Item5!,
        });

    [Fact]
    public void Fuzz_SpecsAClientCanSend_AreCheckedWithoutFailing_AndAcceptedOnesExpand() =>
        Fuzzing.Run("grain API (sweep specs)", Specs, spec =>
        {
            var problems = SweepSpecRules.Problems(spec);
            Assert.All(problems, problem => Assert.False(string.IsNullOrWhiteSpace(problem)));
            if (problems.Count == 0)
            {
                long count = SweepCells.Count(spec);
                Assert.Equal(Math.Min(count, 2_000), SweepCells.Of(spec).Take(2_000).Count());
            }
        });
}

using CsCheck;
using GridSearch.Abstractions;
using GridSearch.Client;
using GridSearch.Client.Commands;
using GridSearch.Client.Sweeps;

namespace GridSearch.Fuzz.Tests;

/// <summary>
/// What users type: every combination of values for the sweep options either becomes a sweep whose cells can be
/// listed or is refused with a message naming the option, checked as run and submit check them before anything starts.
/// </summary>
public sealed class CommandLineFuzzTests
{
    private static readonly Gen<string> Value = Gen.OneOf<string>(
        Gen.OneOf<string>("0.01", "0.001,0.1", "16,32", "5,10", "1", "0", "-1", "1e308", "1e-50", "nan", "inf", "-inf", "", ",", ",,",
            "0.9", "1", "sgd", "adam,sgd", "rmsprop", "logistic", "mlp,cnn", "cnn", "65537", "1024", "2147483648", "9999999999999999999",
            "0x10", "1_000", "١٢", "½", " 3 ", "3,", "1e3", "0.5,0.5", "grid", "random", "auto"),
        Gen.String[0, 12],
        Gen.Double.Array[1, 4].Select(values => string.Join(",", values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))),
        Gen.Int.Array[1, 4].Select(values => string.Join(",", values)));

    private static readonly Gen<string?> Maybe = Gen.Frequency((2, Gen.Const<string?>(() => null)), (3, Value.Select(v => (string?)v)));

    private static readonly Gen<SweepSettings> Settings =
        Gen.Select(Gen.Select(Maybe, Maybe, Maybe, Maybe, Maybe, Maybe),
                   Gen.Select(Maybe, Maybe, Maybe, Maybe, Maybe, Maybe),
                   Gen.Select(Gen.Int[-2, 40].Select(i => (int?)i), Gen.Int[-2, 5], Gen.Int[-2, 300], Gen.Int[-1, 5], Gen.Int[0, 2000], Gen.Bool),
            (a, b, c) => new SweepSettings
            {
                LearningRates = a.Item1, BatchSizes = a.Item2, Epochs = a.Item3, Momentum = a.Item4, WeightDecay = a.Item5, Optimizer = a.Item6,
                Model = b.Item1, Hidden = b.Item2, Layers = b.Item3, Dropout = b.Item4, Width = b.Item5, Search = b.Item6,
                Samples = c.Item1, ReductionFactor = c.Item2, GroupSize = c.Item3, Retries = c.Item4, ImageSizeOption = c.Item5, AllowLargeGrid = c.Item6,
            });

    [Fact]
    public void Fuzz_SweepOptionValues_StartOrAreRefusedNamingTheOption() =>
        Fuzzing.Run("command-line values", Settings, settings =>
        {
            if (settings.Validate() is { Successful: false } invalid)
            {
                Assert.StartsWith("--", invalid.Message);
                return;
            }

            try
            {
                var spec = SweepSubmission.Prepare(settings, "fuzz", "/data");
                long count = SweepCells.Count(spec);
                Assert.Equal(Math.Min(count, 2_000), SweepCells.Of(spec).Take(2_000).Count());
            }
            catch (UserInputException error)
            {
                Fuzzing.AssertExplained(error, "--", "Invalid sweep");
            }
        }, Describe);

    private static string Describe(SweepSettings s) =>
        $"--lr {s.LearningRates} --batch-size {s.BatchSizes} --epochs {s.Epochs} --momentum {s.Momentum} --weight-decay {s.WeightDecay} " +
        $"--optimizer {s.Optimizer} --model {s.Model} --hidden {s.Hidden} --layers {s.Layers} --dropout {s.Dropout} --width {s.Width} " +
        $"--search {s.Search} --samples {s.Samples} --eta {s.ReductionFactor} --group-size {s.GroupSize} --retries {s.Retries} " +
        $"--image-size {s.ImageSizeOption} --allow-large-grid {s.AllowLargeGrid}";
}

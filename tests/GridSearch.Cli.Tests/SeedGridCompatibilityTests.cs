using System.Text.Json;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests;

/// <summary>
/// The baseline's grid with every option at its default and <c>--no-fuse</c> must give exactly the golden numbers
/// (Golden/seed-grid-demo.json, the generated demo data set under the pinned portable CPU numerics, which every x86-64
/// CPU with AVX2 gives): every cell's losses and accuracies bit for bit, the winner, its test accuracy and the epochs
/// trained. Fused
/// (the default) it must give the same winner and every accuracy within one validation image.
/// </summary>
public sealed class SeedGridCompatibilityTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("seed-grid");

    internal static JsonElement Golden => JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests",
        "GridSearch.Cli.Tests", "Golden", "seed-grid-demo.json"))).RootElement;

    [Fact]
    public async Task Run_SeedGridWithDefaultsUnfused_GivesTheGoldenNumbers()
    {
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cache"));

        var result = await cli.RunAsync(["run", "--sweep-id", "seedgrid", "--no-cache", "--no-fuse", "--json", "--out", _dir.Combine("out")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        AssertGoldenNumbers(JsonDocument.Parse(result.Stdout).RootElement);
    }

    /// <summary>Every cell's losses and accuracies, the winner, its test accuracy and the epochs trained, bit for bit.</summary>
    internal static void AssertGoldenNumbers(JsonElement now)
    {
        var golden = Golden;
        var expectedTrials = golden.GetProperty("trials").EnumerateArray().ToArray();
        var trials = now.GetProperty("trials").EnumerateArray().ToArray();
        Assert.Equal(expectedTrials.Length, trials.Length);
        for (int i = 0; i < trials.Length; i++)
        {
            foreach (string field in new[] { "id", "lr", "batchSize", "epochs", "status", "trainLoss", "valAccuracy", "bestEpoch", "bestValAccuracy" })
            {
                Assert.True(JsonElement.DeepEquals(expectedTrials[i].GetProperty(field), trials[i].GetProperty(field)),
                    $"cell {i} field {field}: expected {expectedTrials[i].GetProperty(field)}, got {trials[i].GetProperty(field)}");
            }
        }

        foreach (string field in new[] { "trialId", "lr", "batchSize", "epochs", "epoch", "valAccuracy" })
        {
            Assert.True(JsonElement.DeepEquals(golden.GetProperty("best").GetProperty(field), now.GetProperty("best").GetProperty(field)), field);
        }

        Assert.Equal(golden.GetProperty("testAccuracy").GetDouble(), now.GetProperty("testAccuracy").GetDouble());
        Assert.Equal(golden.GetProperty("epochsTrained").GetInt32(), now.GetProperty("timings").GetProperty("epochsTrained").GetInt32());
    }

    [Fact]
    public async Task Run_SeedGridFused_GivesTheSameWinnerAndEveryAccuracyWithinOneValidationImage()
    {
        var golden = Golden;
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cache"));

        var result = await cli.RunAsync(["run", "--sweep-id", "seedgrid-fused", "--no-cache", "--json", "--out", _dir.Combine("out")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var now = JsonDocument.Parse(result.Stdout).RootElement;
        double oneImage = 1.0 / now.GetProperty("dataset").GetProperty("val").GetInt32();
        var expectedTrials = golden.GetProperty("trials").EnumerateArray().ToArray();
        var trials = now.GetProperty("trials").EnumerateArray().ToArray();
        Assert.Equal(expectedTrials.Length, trials.Length);
        for (int i = 0; i < trials.Length; i++)
        {
            // The seed grid's runs of one batch size (two learning rates) share a group.
            Assert.Equal(JsonValueKind.String, trials[i].GetProperty("fusedGroup").ValueKind);
            Assert.Equal(expectedTrials[i].GetProperty("id").GetString(), trials[i].GetProperty("id").GetString());
            var expected = expectedTrials[i].GetProperty("valAccuracy").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var actual = trials[i].GetProperty("valAccuracy").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(expected.Length, actual.Length);
            Assert.All(expected.Zip(actual), pair => Assert.InRange(Math.Abs(pair.First - pair.Second), 0, oneImage + 1e-12));
        }

        foreach (string field in new[] { "trialId", "epoch" })
        {
            Assert.True(JsonElement.DeepEquals(golden.GetProperty("best").GetProperty(field), now.GetProperty("best").GetProperty(field)), field);
        }

        Assert.Equal(golden.GetProperty("epochsTrained").GetInt32(), now.GetProperty("timings").GetProperty("epochsTrained").GetInt32());
    }

    public void Dispose() => _dir.Dispose();
}

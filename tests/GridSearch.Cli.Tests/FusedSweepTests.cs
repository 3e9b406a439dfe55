using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests;

/// <summary>
/// Fused sweeps against the same sweeps with <c>--no-fuse</c>, on the shared discriminating data set (two classes) and
/// its three-class twin for softmax regression: the same winner (cell and epoch); every run whose loss stays below
/// 1.5 × ln(classes), half again the loss of a guess (its outputs do not saturate), with the same validation accuracies
/// and losses within float rounding at every epoch; and a cell that diverges inside its group failing alone while the others complete. Runs that saturate amplify
/// the last-bit difference of fused products chaotically, as the README says: they are held to the winner only.
/// </summary>
public sealed class FusedSweepTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("fused-sweep");

    private async Task<JsonObject> RunAsync(string name, string data, params string[] arguments)
    {
        var cli = new CliRun(_dir.Combine("state-" + name), _dir.Combine("cache"));
        var result = await cli.RunAsync(["run", "--data", data, "--seed", "7", "--image-size", "16", "--sweep-id", name,
            "--out", _dir.Combine("out-" + name), "--json", .. arguments]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonNode.Parse(result.Stdout)!.AsObject();
    }

    private static JsonObject[] Trials(JsonObject result) => result["trials"]!.AsArray().Select(t => t!.AsObject()).ToArray();

    private static double[] Numbers(JsonObject trial, string key) => trial[key]!.AsArray().Select(v => (double)v!).ToArray();

    /// <summary>The unfused sweep's winner (cell and epoch), and every well-behaved run's numbers.</summary>
    private static void AssertSameWinnerAndNumbers(JsonObject fused, JsonObject alone)
    {
        Assert.Equal((string?)alone["best"]!["trialId"], (string?)fused["best"]!["trialId"]);
        Assert.Equal((int)alone["best"]!["epoch"]!, (int)fused["best"]!["epoch"]!);
        Assert.Equal((double)alone["best"]!["valAccuracy"]!, (double)fused["best"]!["valAccuracy"]!);
        AssertWellBehavedRunsKeepTheirNumbers(fused, alone);
    }

    /// <summary>
    /// Every completed run whose unfused loss stays below 1.5 × ln(classes): the same validation accuracy at every epoch
    /// and each loss within 1e-6 of it (relative; 2.2e-7 is the largest seen). At least half the grid must be such runs,
    /// or the check would say little.
    /// </summary>
    private static void AssertWellBehavedRunsKeepTheirNumbers(JsonObject fused, JsonObject alone)
    {
        var unfused = Trials(alone).ToDictionary(t => (string)t["id"]!);
        var completed = Trials(fused).Where(t => (string)t["status"]! == "Completed").ToList();
        double saturating = 1.5 * Math.Log(alone["dataset"]!["classes"]!.AsArray().Count);
        var wellBehaved = completed.Where(t => Numbers(unfused[(string)t["id"]!], "trainLoss").Max() < saturating).ToList();
        Assert.True(wellBehaved.Count * 2 >= completed.Count, $"only {wellBehaved.Count} of {completed.Count} runs stay below loss {saturating}");
        foreach (var trial in wellBehaved)
        {
            var expected = unfused[(string)trial["id"]!];
            Assert.Equal(Numbers(expected, "valAccuracy"), Numbers(trial, "valAccuracy"));
            var expectedLoss = Numbers(expected, "trainLoss");
            var actualLoss = Numbers(trial, "trainLoss");
            Assert.Equal(expectedLoss.Length, actualLoss.Length);
            for (int e = 0; e < expectedLoss.Length; e++)
            {
                Assert.True(Math.Abs(expectedLoss[e] - actualLoss[e]) <= 1e-6 * expectedLoss[e],
                    $"{trial["id"]} epoch {e + 1}: training loss {actualLoss[e]} fused, {expectedLoss[e]} alone");
            }
        }
    }

    [Fact]
    public async Task FusedSweep_OnDiscriminatingData_GivesTheUnfusedWinner_AndWellBehavedRunsTheirNumbers()
    {
        string data = DiscriminatingData.Root;
        string[] grid = ["--lr", "0.2,0.1,0.05,0.02,0.01,0.005", "--batch-size", "8,16", "--epochs", "2,4", "--momentum", "0,0.9"];

        var fused = await RunAsync("fused", data, grid);
        var alone = await RunAsync("alone", data, [.. grid, "--no-fuse"]);

        Assert.Equal("Completed", (string?)fused["status"]);
        AssertSameWinnerAndNumbers(fused, alone);
        // One group per batch size: its twelve runs (six rates × two momenta) share it; unfused, none has a group.
        var groups = Trials(fused).GroupBy(t => (string?)t["fusedGroup"]).ToList();
        Assert.Equal(2, groups.Count);
        Assert.All(groups, g => Assert.Single(g.Select(t => (int)t["batchSize"]!).Distinct()));
        Assert.All(Trials(alone), t => Assert.Null((string?)t["fusedGroup"]));
        Assert.Equal((int)alone["timings"]!["epochsTrained"]!, (int)fused["timings"]!["epochsTrained"]!);
    }

    [Fact]
    public async Task FusedSoftmaxSweep_OnThreeClasses_GivesTheUnfusedWinner_AndWellBehavedRunsTheirNumbers()
    {
        string data = DiscriminatingData.ThreeClassRoot;
        string[] grid = ["--lr", "0.05,0.02,0.01,0.005", "--batch-size", "8", "--epochs", "3", "--momentum", "0,0.9"];

        var fused = await RunAsync("softmax", data, grid);
        var alone = await RunAsync("softmax-alone", data, [.. grid, "--no-fuse"]);

        Assert.Equal(3, fused["dataset"]!["classes"]!.AsArray().Count);
        Assert.Single(Trials(fused).Select(t => (string?)t["fusedGroup"]).Distinct());
        Assert.NotNull((string?)Trials(fused)[0]["fusedGroup"]);
        AssertSameWinnerAndNumbers(fused, alone);
    }

    [Fact]
    public async Task FusedMlpSweep_WithDropout_GivesTheUnfusedWinner_AndWellBehavedRunsTheirNumbers()
    {
        string data = DiscriminatingData.Root;
        string[] grid = ["--model", "mlp", "--hidden", "16,8", "--layers", "2", "--dropout", "0.2", "--lr", "0.1,0.05,0.02",
            "--batch-size", "8", "--epochs", "3", "--momentum", "0,0.9"];

        var fused = await RunAsync("mlp", data, grid);
        var alone = await RunAsync("mlp-alone", data, [.. grid, "--no-fuse"]);

        Assert.Equal("Completed", (string?)fused["status"]);
        // One group per architecture (16 and 8 hidden units), each with its six rate-and-momentum cells.
        var groups = Trials(fused).GroupBy(t => (string?)t["fusedGroup"]).ToList();
        Assert.Equal(2, groups.Count);
        Assert.All(groups, g => Assert.NotNull(g.Key));
        Assert.All(groups, g => Assert.Equal(6, g.Count()));
        AssertSameWinnerAndNumbers(fused, alone);
    }

    [Fact]
    public async Task CellThatDivergesInsideItsGroup_FailsAlone_AndTheOthersMatchTheirUnfusedRuns()
    {
        string data = DiscriminatingData.Root;
        // Weight decay 10 at rate 100 multiplies the weights by about −999 a step: that cell overflows; the others train.
        // The default retry (one) is not used on it: divergence is deterministic.
        string[] grid = ["--lr", "0.05,100", "--weight-decay", "0,10", "--batch-size", "8", "--epochs", "3"];

        var fused = await RunAsync("diverging", data, grid);
        var alone = await RunAsync("diverging-alone", data, [.. grid, "--no-fuse"]);

        Assert.Equal("Completed", (string?)fused["status"]);
        Assert.Single(Trials(fused).Select(t => (string?)t["fusedGroup"]).Distinct()); // all four in one group
        var failed = Trials(fused).Where(t => (string)t["status"]! == "Failed").ToList();
        var diverged = Assert.Single(failed);
        Assert.Equal("lr100-bs8-ep3-wd10", (string?)diverged["id"]);
        Assert.Contains("smaller learning rate", (string?)diverged["error"]);
        Assert.Contains("not retried", (string?)diverged["error"]);
        Assert.Equal(
            Trials(alone).Where(t => (string)t["status"]! == "Failed").Select(t => (string?)t["id"]),
            failed.Select(t => (string?)t["id"]));
        Assert.Equal(3, Trials(fused).Count(t => (string)t["status"]! == "Completed"));
        AssertWellBehavedRunsKeepTheirNumbers(fused, alone);
    }

    [Fact]
    public async Task DeviceMemory_SizesAutomaticGroups_ToTheRunsItsBudgetHolds()
    {
        string data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 20);
        // The budget, worked out by hand from the estimate the README documents (floats × 4 bytes × 1.25 + 64 MiB) for
        // the logistic model on 16×16 images (768 features), two classes, batch size 8, evaluation batch 512:
        // 3 lanes: weights 3 × 769 × 4 copies = 9,228 floats + evaluation 512 × 768 × 2 + 3 × 512 × 4 = 792,576 floats
        //          → 801,804 × 5 + 67,108,864 = 71,117,884 bytes;
        // 4 lanes: 12,304 + 794,624 = 806,928 floats → 71,143,504 bytes. 71,130,000 bytes holds three, not four.
        string gib = (71_130_000 / (double)(1L << 30)).ToString("R", System.Globalization.CultureInfo.InvariantCulture);

        var result = await RunAsync("packed", data, "--lr", "0.1,0.05,0.02,0.01,0.005,0.002,0.001,0.0005", "--batch-size", "8",
            "--epochs", "1", "--device-memory", gib);

        Assert.Equal("Completed", (string?)result["status"]);
        Assert.Equal([3, 3, 2], Trials(result).GroupBy(t => (string?)t["fusedGroup"]).Select(g => g.Count()));
        Assert.All(Trials(result), t => Assert.NotNull((string?)t["fusedGroup"]));
    }

    [Fact]
    public async Task GroupSize_CapsTheRunsPerGroup_InGridOrder()
    {
        string data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 20);

        var result = await RunAsync("small-groups", data, "--lr", "0.1,0.05,0.02,0.01,0.005", "--batch-size", "8", "--epochs", "1",
            "--group-size", "2");

        // Five runs in groups of two, in grid order; the fifth is left alone and trains unfused.
        Assert.Equal(
            ["fused-lr0.1-bs8-ep1", "fused-lr0.1-bs8-ep1", "fused-lr0.02-bs8-ep1", "fused-lr0.02-bs8-ep1", null],
            Trials(result).Select(t => (string?)t["fusedGroup"]));
    }

    [Fact]
    public async Task SweepFile_FuseFalse_TrainsEveryRunAlone_AndGroupSizeIsRead()
    {
        string data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 20);
        string unfused = _dir.Combine("unfused.yaml");
        File.WriteAllText(unfused, "fuse: false\nparameters:\n  lr: [0.1, 0.05, 0.02]\n  batch_size: 8\n  epochs: 1\n");
        string small = _dir.Combine("small.yaml");
        File.WriteAllText(small, "group_size: 2\nparameters:\n  lr: [0.1, 0.05, 0.02]\n  batch_size: 8\n  epochs: 1\n");

        string automatic = _dir.Combine("auto.yaml");
        File.WriteAllText(automatic, "group_size: auto\nparameters:\n  lr: [0.1, 0.05, 0.02]\n  batch_size: 8\n  epochs: 1\n");

        var alone = await RunAsync("file-unfused", data, "--config", unfused);
        var grouped = await RunAsync("file-small", data, "--config", small);
        var whole = await RunAsync("file-auto", data, "--config", automatic);

        Assert.All(Trials(alone), t => Assert.Null((string?)t["fusedGroup"]));
        Assert.Equal(["fused-lr0.1-bs8-ep1", "fused-lr0.1-bs8-ep1", null], Trials(grouped).Select(t => (string?)t["fusedGroup"]));
        Assert.All(Trials(whole), t => Assert.Equal("fused-lr0.1-bs8-ep1", (string?)t["fusedGroup"])); // automatic: 16 on CPU
    }

    public void Dispose() => _dir.Dispose();
}

using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests;

/// <summary>
/// Fused sweeps against the same sweeps with <c>--no-fuse</c> on generated data sets (two classes, and three for
/// softmax regression): the same winner (cell and epoch), every cell's validation accuracy within one validation image
/// at every epoch, and a cell that diverges inside its group failing alone while the others complete.
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

    /// <summary>The unfused sweep's winner (cell and epoch), and every accuracy within one validation image of it.</summary>
    private static void AssertSameWinnerAndAccuracies(JsonObject fused, JsonObject alone)
    {
        Assert.Equal((string?)alone["best"]!["trialId"], (string?)fused["best"]!["trialId"]);
        Assert.Equal((int)alone["best"]!["epoch"]!, (int)fused["best"]!["epoch"]!);
        AssertWithinOneValidationImage(fused, alone);
    }

    private static void AssertWithinOneValidationImage(JsonObject fused, JsonObject alone)
    {
        double oneImage = 1.0 / (int)alone["dataset"]!["val"]!;
        var unfused = Trials(alone).ToDictionary(t => (string)t["id"]!);
        foreach (var trial in Trials(fused).Where(t => (string)t["status"]! == "Completed"))
        {
            var expected = unfused[(string)trial["id"]!]["valAccuracy"]!.AsArray().Select(v => (double)v!).ToArray();
            var actual = trial["valAccuracy"]!.AsArray().Select(v => (double)v!).ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (int e = 0; e < expected.Length; e++)
            {
                Assert.True(Math.Abs(expected[e] - actual[e]) <= oneImage + 1e-12,
                    $"{trial["id"]} epoch {e + 1}: validation accuracy {actual[e]} fused, {expected[e]} alone");
            }
        }
    }

    [Fact]
    public async Task FusedSweep_GivesTheUnfusedWinner_AndEveryAccuracyWithinOneValidationImage()
    {
        string data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 40);
        string[] grid = ["--lr", "0.2,0.1,0.05,0.02,0.01,0.005", "--batch-size", "8,16", "--epochs", "2,4", "--momentum", "0,0.9"];

        var fused = await RunAsync("fused", data, grid);
        var alone = await RunAsync("alone", data, [.. grid, "--no-fuse"]);

        Assert.Equal("Completed", (string?)fused["status"]);
        AssertSameWinnerAndAccuracies(fused, alone);
        // One group per batch size: its twelve runs (six rates × two momenta) share it; unfused, none has a group.
        var groups = Trials(fused).GroupBy(t => (string?)t["fusedGroup"]).ToList();
        Assert.Equal(2, groups.Count);
        Assert.All(groups, g => Assert.Single(g.Select(t => (int)t["batchSize"]!).Distinct()));
        Assert.All(Trials(alone), t => Assert.Null((string?)t["fusedGroup"]));
        Assert.Equal((int)alone["timings"]!["epochsTrained"]!, (int)fused["timings"]!["epochsTrained"]!);
    }

    [Fact]
    public async Task FusedSoftmaxSweep_OnThreeClasses_GivesTheUnfusedWinner_AndEveryAccuracyWithinOneValidationImage()
    {
        string data = TestImages.WriteImageFolder(_dir.Combine("data3"), perClass: 30, classes: 3);
        string[] grid = ["--lr", "0.05,0.02,0.01,0.005", "--batch-size", "8", "--epochs", "3", "--momentum", "0,0.9"];

        var fused = await RunAsync("softmax", data, grid);
        var alone = await RunAsync("softmax-alone", data, [.. grid, "--no-fuse"]);

        Assert.Equal(3, fused["dataset"]!["classes"]!.AsArray().Count);
        Assert.Single(Trials(fused).Select(t => (string?)t["fusedGroup"]).Distinct());
        Assert.NotNull((string?)Trials(fused)[0]["fusedGroup"]);
        AssertSameWinnerAndAccuracies(fused, alone);
    }

    [Fact]
    public async Task FusedMlpSweep_WithDropout_GivesTheUnfusedWinner_AndEveryAccuracyWithinOneValidationImage()
    {
        string data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 40);
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
        AssertSameWinnerAndAccuracies(fused, alone);
    }

    [Fact]
    public async Task CellThatDivergesInsideItsGroup_FailsAlone_AndTheOthersMatchTheirUnfusedRuns()
    {
        string data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 40);
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
        AssertWithinOneValidationImage(fused, alone);
    }

    [Fact]
    public async Task DeviceMemory_SizesAutomaticGroups_ToTheRunsItsBudgetHolds()
    {
        string data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 20);
        // A budget that holds three lanes of the logistic model on 16×16 images at batch size 8, not four.
        long three = GridSearch.Training.Model.DeviceMemoryEstimate.TrainingBytes(GridSearch.Training.Model.ModelSpec.Default, 3 * 16 * 16, 2, 8, width: 3);
        string gib = ((three + 1024) / (double)(1L << 30)).ToString("R", System.Globalization.CultureInfo.InvariantCulture);

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

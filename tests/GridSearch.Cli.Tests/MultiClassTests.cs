using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests;

/// <summary>
/// More than two classes: an ImageFolder of three classes trains with softmax regression and with an MLP, each clearly
/// above chance.
/// </summary>
public sealed class MultiClassTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("multi-class");

    [Theory]
    [InlineData("logistic")]
    [InlineData("mlp")]
    public async Task Run_ThreeClassImageFolder_TrainsWellAboveChance(string model)
    {
        string data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 30, classes: 3);
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cache"));

        var result = await cli.RunAsync("run", "--data", data, "--model", model, "--hidden", "32", "--lr", "0.01,0.001",
            "--batch-size", "8", "--epochs", "4", "--seed", "2", "--out", _dir.Combine("out"), "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var document = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(["a", "b", "c"], document["dataset"]!["classes"]!.AsArray().Select(c => (string)c!));
        // Chance is 1/3: the winner must be far above it on validation and on the test split.
        Assert.True((double)document["best"]!["valAccuracy"]! >= 0.7, document["best"]!.ToJsonString());
        Assert.True((double)document["testAccuracy"]! >= 0.6, $"test accuracy {document["testAccuracy"]}");
        Assert.True(File.Exists(_dir.Combine("out", "winner.pt")));

        // The winner's confusion matrix on the test split: every test image counted once, the diagonal its accuracy.
        var test = document["test"]!;
        var rows = test["confusion"]!.AsArray().Select(r => r!.AsArray().Select(v => (long)v!).ToArray()).ToArray();
        Assert.Equal(3, rows.Length);
        Assert.All(rows, r => Assert.Equal(3, r.Length));
        long total = rows.Sum(r => r.Sum());
        Assert.Equal((long)document["dataset"]!["test"]!, total);
        Assert.Equal((double)document["testAccuracy"]!, (double)Enumerable.Range(0, 3).Sum(i => rows[i][i]) / total, precision: 12);
        Assert.Equal((double)rows[1][1] / rows[1].Sum(), (double)test["perClassAccuracy"]!["b"]!, precision: 12);
    }

    public void Dispose() => _dir.Dispose();
}

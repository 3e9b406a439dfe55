using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests;

/// <summary>
/// More than two classes: an ImageFolder of three classes trains with softmax regression, an MLP and the CNN (on
/// 32×32 images, as a user on a CPU would choose), each clearly above chance.
/// </summary>
public sealed class MultiClassTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("multi-class");

    [Theory]
    [InlineData("logistic", 128)]
    [InlineData("mlp", 128)]
    [InlineData("cnn", 32)]
    public async Task Run_ThreeClassImageFolder_TrainsWellAboveChance(string model, int imageSize)
    {
        string data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 30, classes: 3);
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cache"));

        var result = await cli.RunAsync("run", "--data", data, "--model", model, "--hidden", "32", "--width", "8", "--lr", "0.01,0.001",
            "--batch-size", "8", "--epochs", "4", "--seed", "2", "--image-size", imageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--out", _dir.Combine("out"), "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var document = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(["a", "b", "c"], document["dataset"]!["classes"]!.AsArray().Select(c => (string)c!));
        Assert.Equal(imageSize, (int)document["imageSize"]!);
        Assert.All(document["trials"]!.AsArray(), t => Assert.Equal(model, (string)t!["params"]!["model"]!));
        // Chance is 1/3: the winner must be far above it on validation and on the test split.
        Assert.True((double)document["best"]!["valAccuracy"]! >= 0.7, document["best"]!.ToJsonString());
        Assert.True((double)document["testAccuracy"]! >= 0.6, $"test accuracy {document["testAccuracy"]}");
        Assert.True(File.Exists(_dir.Combine("out", "winner.pt")));

        // Every epoch of every cell reports each class's validation accuracy; the overall accuracy is their weighted
        // mean, so it lies between the worst and the best class.
        Assert.All(document["trials"]!.AsArray(), trial =>
        {
            var overall = trial!["valAccuracy"]!.AsArray().Select(a => (double)a!).ToArray();
            var perClass = trial["valAccuracyPerClass"]!.AsArray().Select(e => e!.AsArray().Select(a => (double)a!).ToArray()).ToArray();
            Assert.Equal(overall.Length, perClass.Length);
            for (int epoch = 0; epoch < overall.Length; epoch++)
            {
                Assert.Equal(3, perClass[epoch].Length);
                Assert.InRange(overall[epoch], perClass[epoch].Min() - 1e-12, perClass[epoch].Max() + 1e-12);
            }
        });

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

using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests;

/// <summary><c>--config</c>: sweep files in YAML or JSON, command-line overrides, and mistakes reported with file, line and key.</summary>
public sealed class SweepFileTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("sweep-file");
    private readonly CliRun _cli;

    public SweepFileTests() => _cli = new CliRun(_dir.Combine("state"), _dir.Combine("cache"));

    private string Write(string name, string text)
    {
        string path = _dir.Combine(name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Run_YamlFileSweepingLrRangeBatchMomentumAndOptimizer_TrainsEveryCellWithItsParameters()
    {
        TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 20);
        string config = Write("sweep.yaml", """
            data: data            # relative to this file
            seed: 4
            parameters:
              lr: {min: 1.0e-3, max: 1.0e-1, scale: log, count: 3}
              batch_size: [8, 16]
              momentum: [0, 0.9]
              optimizer: [sgd, adam]
              epochs: 1
            """);

        var result = await _cli.RunAsync("run", "--config", config, "--sweep-id", "from-file", "--out", _dir.Combine("out"), "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var document = JsonNode.Parse(result.Stdout)!;
        var cells = document["trials"]!.AsArray();
        Assert.Equal(24, cells.Count);
        Assert.Equal([0.001, 0.01, 0.1], cells.Select(c => (double)c!["params"]!["lr"]!).Distinct().Order());
        Assert.Equal(["adam", "sgd"], cells.Select(c => (string)c!["params"]!["optimizer"]!).Distinct().Order());
        Assert.Equal([0, 0.9], cells.Select(c => (double)c!["params"]!["momentum"]!).Distinct().Order());
        Assert.Contains(cells, c => (string)c!["id"]! == "lr0.01-bs16-ep1-mom0.9-adam");
        Assert.All(cells, c => Assert.Equal("Completed", (string?)c!["status"]));
        Assert.Equal(4, (long)document["seed"]!);
        Assert.Equal(Path.Combine(_dir.Path, "data"), (string)document["dataset"]!["root"]!);
        Assert.Equal("log", (string)document["search"]!["space"]!["lr"]!["scale"]!);
        string csv = File.ReadAllText(_dir.Combine("out", "results.csv"));
        Assert.Contains(csv.Split('\n'), line => line.StartsWith("lr0.01-bs16-ep1-mom0.9-adam,0.01,16,1,0.9,0,adam,logistic,,,,,1,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_JsonFileWithOverrides_CommandLineWins()
    {
        string data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 10);
        string config = Write("sweep.json", $$"""
            { "data": "{{data}}", "parameters": { "lr": [0.5, 0.25], "batch_size": 4, "epochs": [3] },
              "scheduler": { "name": "halving", "eta": 2 } }
            """);

        var result = await _cli.RunAsync("run", "--config", config, "--lr", "0.1", "--scheduler", "fifo", "--sweep-id", "overridden",
            "--out", _dir.Combine("out"), "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var document = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(["lr0.1-bs4-ep3"], document["trials"]!.AsArray().Select(c => (string)c!["id"]!));
        Assert.Equal("fifo", (string)document["search"]!["scheduler"]!["name"]!);
        Assert.Equal(2, (int)document["search"]!["scheduler"]!["eta"]!); // the file's, where the command line says nothing
    }

    [Fact]
    public async Task Run_MalformedFile_FailsNamingFileLineAndKeyForEveryMistake()
    {
        string config = Write("bad.yaml", """
            seed: x
            search: grid
            parameters:
              lr: {min: 1e-4, max: 1e-1, scale: logarithmic, count: 8}
              batch_size: [16, 0]
              learning_rate: 0.1
              optimizer: [sgd, rmsprop]
            scheduler: pbt-like
            colour: blue
            image_size: 4
            group_size: 0
            fuse: maybe
            """);

        var result = await _cli.RunAsync("run", "--config", config, "--sweep-id", "bad");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("bad.yaml:1:7: seed: 'x' is not a whole number", result.Stderr);
        Assert.Contains("bad.yaml:4:", result.Stderr);
        Assert.Contains("parameters.lr.scale: 'logarithmic' is not a scale; use log or linear", result.Stderr);
        Assert.Contains("bad.yaml:5:20: parameters.batch_size[1]: batch size 0 must be at least 1", result.Stderr);
        Assert.Contains("bad.yaml:6:3: parameters.learning_rate: unknown parameter 'learning_rate'", result.Stderr);
        Assert.Contains("bad.yaml:7:20: parameters.optimizer[1]: optimizer 'rmsprop' is not one of sgd, adam", result.Stderr);
        Assert.Contains("bad.yaml:8:12: scheduler: 'pbt-like' is not a scheduler", result.Stderr);
        Assert.Contains("bad.yaml:9:1: colour: unknown key", result.Stderr);
        Assert.Contains("bad.yaml:10:13: image_size: 4 pixels is not an image size GridSearch trains on; use 8 to 1024", result.Stderr);
        Assert.Contains("bad.yaml:11:13: group_size: 0 is not a fused group size; use 1 to 256", result.Stderr);
        Assert.Contains("bad.yaml:12:7: fuse:", result.Stderr);
        Assert.False(Directory.Exists(_dir.Combine("state", "demo-data")), "nothing is prepared for a sweep file that is wrong");
    }

    [Fact]
    public async Task Run_FileThatIsNotYaml_FailsWithTheParsersPosition()
    {
        string config = Write("broken.json", "{ \"parameters\": { \"lr\": [0.1, }");

        var result = await _cli.RunAsync("run", "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"broken\.json:1:\d+: not valid YAML or JSON", result.Stderr);
    }

    [Fact]
    public async Task Run_RandomSearch_DrawsTheRequestedNumberOfDistinctCells()
    {
        string data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 10);
        string config = Write("random.yaml", """
            search: random
            samples: 12
            parameters:
              lr: {min: 1.0e-4, max: 1.0e-1, scale: log}
              batch_size: [4, 8]
              momentum: {min: 0, max: 0.95}
              epochs: 1
            """);

        async Task<string[]> DrawAsync(string seed, string id)
        {
            var run = await _cli.RunAsync("run", "--config", config, "--data", data, "--seed", seed, "--sweep-id", id,
                "--simulate-training", "1", "--out", _dir.Combine(id), "--json");
            Assert.True(run.ExitCode == 0, run.ToString());
            return JsonNode.Parse(run.Stdout)!["trials"]!.AsArray().Select(c => (string)c!["id"]!).ToArray();
        }

        var first = await DrawAsync("1", "r1");
        var again = await DrawAsync("1", "r2");
        var other = await DrawAsync("2", "r3");

        Assert.Equal(12, first.Distinct().Count());
        Assert.Equal(first, again);
        Assert.NotEqual(first.Order(), other.Order());
    }

    public void Dispose() => _dir.Dispose();
}

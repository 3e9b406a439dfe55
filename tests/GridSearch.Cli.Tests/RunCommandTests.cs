using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridSearch.TestSupport;
using GridSearch.Training.Model;

namespace GridSearch.Cli.Tests;

public sealed class RunCommandTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("cli-run");
    private readonly CliRun _cli;
    private readonly string _data;

    public RunCommandTests()
    {
        _cli = new CliRun(_dir.Combine("state"), _dir.Combine("cache"));
        _data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 30);
    }

    private string[] Run(string sweepId, string outDir, params string[] extra) =>
    [
        "run", "--data", _data, "--lr", "0.05,0.01", "--batch-size", "8,16", "--epochs", "1,3", "--seed", "3",
        "--sweep-id", sweepId, "--out", outDir, .. extra,
    ];

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public async Task Run_SmallGrid_WritesEveryFileAndAValidResultsDocument()
    {
        string outDir = _dir.Combine("out");
        var result = await _cli.RunAsync(Run("first", outDir, "--json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var document = Parse(result.Stdout);
        Assert.Empty(ResultsSchema.Problems(document));
        Assert.Equal(File.ReadAllText(Path.Combine(outDir, "results.json")).Trim(), result.Stdout.Trim());

        Assert.Equal("Completed", document.GetProperty("status").GetString());
        var trials = document.GetProperty("trials").EnumerateArray().ToArray();
        Assert.Equal(8, trials.Length);
        foreach (var trial in trials)
        {
            Assert.Equal(trial.GetProperty("epochs").GetInt32(), trial.GetProperty("valAccuracy").GetArrayLength());
            Assert.Equal(trial.GetProperty("epochs").GetInt32(), trial.GetProperty("trainLoss").GetArrayLength());
        }

        double max = trials.SelectMany(t => t.GetProperty("valAccuracy").EnumerateArray()).Max(v => v.GetDouble());
        Assert.Equal(max, document.GetProperty("best").GetProperty("valAccuracy").GetDouble());
        Assert.InRange(document.GetProperty("testAccuracy").GetDouble(), 0, 1);

        string csv = File.ReadAllText(Path.Combine(outDir, "results.csv"));
        Assert.StartsWith("trial_id,lr,batch_size,epochs,momentum,weight_decay,optimizer,model,hidden,layers,dropout,width,epoch,train_loss,val_accuracy", csv);
        Assert.Equal(1 + 4 * (1 + 3), csv.TrimEnd().Split('\n').Length);
        byte[] png = File.ReadAllBytes(Path.Combine(outDir, "curves.png"));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);
        Assert.True(png.Length > 20_000, $"curves.png is only {png.Length} bytes");

        // The PyTorch state_dict and the TorchSharp file hold the same winning weights.
        var fromPyTorch = WeightFiles.LoadPyTorch(Path.Combine(outDir, "winner.pt"), 3 * 128 * 128);
        var fromTorchSharp = WeightFiles.LoadTorchSharp(Path.Combine(outDir, "winner.dat"), 3 * 128 * 128);
        Assert.True(fromPyTorch.ContentEquals(fromTorchSharp));
        Assert.Contains(fromPyTorch.Values, v => v != 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the overhead benchmark's stand-in for training must be just as reproducible, in every process
    public async Task Run_SameCommandTwice_GivesIdenticalResultsApartFromTimings(bool simulated)
    {
        string[] extra = simulated ? ["--json", "--simulate-training", "1"] : ["--json"];
        var first = await _cli.RunAsync(Run($"again-1-{simulated}", _dir.Combine($"out1-{simulated}"), extra));
        var second = await _cli.RunAsync(Run($"again-2-{simulated}", _dir.Combine($"out2-{simulated}"), extra));

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        string Comparable(string json)
        {
            var node = JsonNode.Parse(json)!.AsObject();
            node.Remove("sweepId");
            node.Remove("timings");
            foreach (var trial in node["trials"]!.AsArray())
            {
                trial!.AsObject().Remove("seconds");
                trial.AsObject().Remove("wallSeconds");
            }

            return node.ToJsonString();
        }

        Assert.Equal(Comparable(first.Stdout), Comparable(second.Stdout));
    }

    [Fact]
    public async Task Run_SharedPrefix_GivesTheSameResultsAsTrainingEveryCellSeparately()
    {
        // Unfused: a fused run's last float bits depend on its group's width, and without shared prefixes the groups
        // are twice as wide (one run per cell). Fused sweeps are compared with unfused ones in FusedSweepTests.
        var shared = await _cli.RunAsync(Run("shared", _dir.Combine("shared"), "--json", "--no-fuse"));
        var separate = await _cli.RunAsync(Run("separate", _dir.Combine("separate"), "--json", "--no-shared-prefix", "--no-fuse"));

        Assert.True(shared.ExitCode == 0, shared.ToString());
        Assert.True(separate.ExitCode == 0, separate.ToString());
        var a = JsonNode.Parse(shared.Stdout)!;
        var b = JsonNode.Parse(separate.Stdout)!;
        string Numbers(JsonNode result) => string.Join(";", result["trials"]!.AsArray().Select(t =>
            $"{t!["id"]}:{t["trainLoss"]!.ToJsonString()}:{t["valAccuracy"]!.ToJsonString()}"));
        Assert.Equal(Numbers(b), Numbers(a));
        Assert.Equal(b["best"]!.ToJsonString(), a["best"]!.ToJsonString());
        Assert.Equal((double)b["testAccuracy"]!, (double)a["testAccuracy"]!);
        // Epochs 1..3 once per (lr, batch size) instead of 1 + 3 per pair of cells.
        Assert.Equal(4 * 3, (int)a["timings"]!["epochsTrained"]!);
        Assert.Equal(4 * (1 + 3), (int)b["timings"]!["epochsTrained"]!);
    }

    [Fact]
    public async Task Run_ExistingSweepId_RefusesInsteadOfOverwriting()
    {
        var first = await _cli.RunAsync("run", "--data", _data, "--lr", "0.01", "--batch-size", "8", "--epochs", "1", "--sweep-id", "taken", "--out", _dir.Combine("o1"));
        var second = await _cli.RunAsync("run", "--data", _data, "--sweep-id", "taken", "--out", _dir.Combine("o2"));

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("already exists", second.Stderr);
        Assert.False(Directory.Exists(_dir.Combine("o2")));
    }

    [Fact]
    public async Task Run_InvalidGrid_ReportsEveryProblemAndLeavesNoSweep()
    {
        var result = await _cli.RunAsync("run", "--data", _data, "--lr", "0,-1", "--batch-size", "1000", "--epochs", "0", "--sweep-id", "bad");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("learning rate 0 must be", result.Stderr);
        Assert.Contains("learning rate -1 must be", result.Stderr);
        Assert.Contains("epochs 0 must be at least 1", result.Stderr);
        var list = await _cli.RunAsync("list", "--json");
        Assert.Equal("[]", list.Stdout.Trim());
    }

    [Fact]
    public async Task Run_BatchLargerThanTrainingSplit_IsRejectedWithNoSweepLeft()
    {
        var result = await _cli.RunAsync("run", "--data", _data, "--batch-size", "8,1000", "--sweep-id", "big-batch");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("batch size 1000 is larger than the training split (48 images)", result.Stderr);
        var status = await _cli.RunAsync("status", "big-batch");
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("No sweep 'big-batch'", status.Stderr);
    }

    [Fact]
    public async Task Run_LargeGridWithoutFlag_IsRefused()
    {
        string lrs = string.Join(',', Enumerable.Range(1, 101).Select(i => (i / 1000.0).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        string batches = string.Join(',', Enumerable.Range(1, 100));

        var result = await _cli.RunAsync("run", "--data", _data, "--lr", lrs, "--batch-size", batches, "--epochs", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--allow-large-grid", result.Stderr);
    }

    [Fact]
    public async Task ListStatusExport_AfterARun_ShowTheStoredSweep()
    {
        var run = await _cli.RunAsync("run", "--data", _data, "--lr", "0.01", "--batch-size", "8", "--epochs", "2", "--sweep-id", "kept", "--out", _dir.Combine("o"));
        Assert.True(run.ExitCode == 0, run.ToString());

        var list = await _cli.RunAsync("list", "--json");
        var status = await _cli.RunAsync("status", "kept", "--json");
        var export = await _cli.RunAsync("export", "kept", "--out", _dir.Combine("exported"));

        var listed = Assert.Single(Parse(list.Stdout).EnumerateArray());
        Assert.Equal("kept", listed.GetProperty("sweepId").GetString());
        Assert.Equal("Completed", listed.GetProperty("status").GetString());
        Assert.Equal(File.ReadAllText(_dir.Combine("o", "results.json")).Trim(), status.Stdout.Trim());
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Equal(File.ReadAllText(_dir.Combine("o", "results.json")), File.ReadAllText(_dir.Combine("exported", "results.json")));
        Assert.True(File.Exists(_dir.Combine("exported", "winner.pt")));
    }

    [Fact]
    public async Task StatusAndCancel_WhileARunHoldsTheState_ReachItThroughItsGateway()
    {
        using var process = _cli.Start("run", "--data", _data, "--lr", "0.001", "--batch-size", "1", "--epochs", "400",
            "--sweep-id", "live", "--out", _dir.Combine("live"), "--slots", "1", "--verbose"); // --verbose: a line per epoch
        var firstEpoch = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("val acc", StringComparison.Ordinal) == true)
            {
                firstEpoch.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await firstEpoch.Task.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

        var status = await _cli.RunAsync("status", "live", "--json");
        var cancel = await _cli.RunAsync("cancel", "live");
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Equal("Running", Parse(status.Stdout).GetProperty("status").GetString());
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.Contains("Cancelled", cancel.Stdout);
        Assert.Equal(130, process.ExitCode);
    }

    [Fact]
    public async Task Run_WithoutArguments_CompletesTheDemoSweep()
    {
        var result = await _cli.RunAsync("run", "--out", _dir.Combine("demo"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Winner:", result.Stdout);
        Assert.Contains("Test accuracy of the winner:", result.Stdout);
        Assert.Equal(8, Parse(File.ReadAllText(_dir.Combine("demo", "results.json"))).GetProperty("trials").GetArrayLength());
    }

    [Fact]
    public async Task Run_Interrupted_CancelsCleanlyWithExitCode130()
    {
        // 5,000 epochs of 48 single-image steps: minutes of training, so the sweep cannot end by itself before the signal
        // is handled, even on a machine busy with other tests (400 epochs once did, and the run exited 0 as Completed).
        // Started with SIGINT at its default: a harness that runs the tests in the background has the shell ignore SIGINT,
        // every child inherits that, and the tool rightly leaves an ignored Ctrl+C alone.
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cache"))
        {
            Command = ["python3", "-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])",
                "dotnet", RepositoryPaths.CliAssembly],
        };
        using var process = cli.Start("run", "--data", _data, "--lr", "0.001", "--batch-size", "1", "--epochs", "5000",
            "--sweep-id", "interrupted", "--out", _dir.Combine("int"), "--slots", "1", "--verbose"); // --verbose: a line per epoch
        var firstEpoch = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("epoch", StringComparison.Ordinal) == true && e.Data.Contains("val acc", StringComparison.Ordinal))
            {
                firstEpoch.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await firstEpoch.Task.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

        using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        Assert.Equal(130, process.ExitCode);
        var status = Parse((await _cli.RunAsync("status", "interrupted", "--json")).Stdout);
        Assert.Equal("Cancelled", status.GetProperty("status").GetString());
        Assert.True(File.Exists(_dir.Combine("int", "results.json")));
    }

    public void Dispose() => _dir.Dispose();
}

using System.Text.Json;
using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests.Programs;

/// <summary>
/// <c>test_command</c> end to end: a Python program records the epoch it reached in its run folder, and its validation
/// accuracy peaks at epoch 2 of 4, so the winner's folder at its best epoch differs from the one its run ended with.
/// The test command reports what it finds there.
/// </summary>
public sealed class ProgramTestCommandTests : IDisposable
{
    // Epochs as fast as a program can go: without waiting for its report to be saved (gridsearch_run's report() does),
    // the next epoch's state could reach the copy of this one's folder.
    private const string Train = """
        import os, sys
        sys.path.insert(0, os.environ["HELPER_DIR"])
        import gridsearch_run as gs
        state = os.path.join(gs.run_dir(), "state")
        start = int(open(state).read()) if os.path.exists(state) else 0
        for epoch in range(start + 1, gs.epochs() + 1):
            with open(state + ".tmp", "w") as f:
                f.write(str(epoch))
            os.replace(state + ".tmp", state)
            gs.report(epoch, val_accuracy={1: 0.5, 2: 0.8}.get(epoch, 0.6) + int(sys.argv[1]) / 100)
        """;

    private const string Test = """
        echo "testing in $GRIDSEARCH_RUN_DIR" >&2
        echo "GRIDSEARCH_REPORT {\"test_accuracy\": 0.$(cat "$GRIDSEARCH_RUN_DIR/state"), \"shift\": $1, \"epochs\": $GRIDSEARCH_EPOCHS}"
        """;

    private readonly TemporaryDirectory _dir = new("program-test-command");

    public void Dispose() => _dir.Dispose();

    private CliRun Cli()
    {
        File.WriteAllText(_dir.Combine("train.py"), Train);
        File.WriteAllText(_dir.Combine("test.sh"), Test);
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cache"));
        cli.Environment["HELPER_DIR"] = Path.Combine(RepositoryPaths.Root, "python");
        return cli;
    }

    [Fact]
    public async Task TestCommand_RunsOnTheWinnersFolderAtItsBestEpoch_AndItsReportIsTheSweepsTest()
    {
        string config = _dir.Combine("sweep.yaml");
        File.WriteAllText(config, """
            program:
              command: [/usr/bin/python3, train.py, "{shift}"]
              test_command: [sh, test.sh, "{shift}"]
            parameters:
              shift: [0, 1]
              epochs: 4
            """);

        var run = await Cli().RunAsync("run", "--config", config, "--sweep-id", "tested", "--slots", "1", "--json", "--out", _dir.Combine("out"));

        Assert.True(run.ExitCode == 0, run.ToString());
        var result = JsonNode.Parse(run.Stdout)!.AsObject();
        Assert.Equal("Completed", (string?)result["status"]);
        Assert.Equal(("shift1-ep4", 2), ((string?)result["best"]!["trialId"], (int)result["best"]!["epoch"]!));
        // The folder as epoch 2 left it, not as the run's last epoch did; the cell's values and the epoch as for a run.
        Assert.Equal(0.2, (double)result["test"]!["test_accuracy"]!);
        Assert.Equal(1, (double)result["test"]!["shift"]!);
        Assert.Equal(2, (double)result["test"]!["epochs"]!);
        Assert.Equal(0.2, (double)result["testAccuracy"]!);
        var written = JsonNode.Parse(File.ReadAllText(_dir.Combine("out", "results.json")))!;
        Assert.Equal(0.2, (double)written["test"]!["test_accuracy"]!);
        using var document = JsonDocument.Parse(run.Stdout);
        Assert.Empty(ResultsSchema.Problems(document.RootElement)); // a program's results.json is one the schema describes

        var status = await Cli().RunAsync("status", "tested");
        Assert.Contains("Test of the winner (its test command): epochs 2, shift 1, test_accuracy 0.2", status.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestCommand_ThatFails_IsRetried_ThenFailsTheSweepWithItsErrorLines()
    {
        var run = await Cli().RunAsync("run", "--command", $"/usr/bin/python3 {_dir.Combine("train.py")} 0", "--epochs", "2",
            "--test-command", "sh -c 'echo no model here >&2; exit 4'", "--retries", "1",
            "--sweep-id", "test-fails", "--slots", "1", "--json", "--out", _dir.Combine("out-fails"));

        Assert.NotEqual(0, run.ExitCode);
        var result = JsonNode.Parse(run.Stdout)!.AsObject();
        Assert.Equal("Failed", (string?)result["status"]);
        string message = (string?)result["message"] ?? "";
        Assert.Contains("testing the winner failed after 2 attempt(s)", message, StringComparison.Ordinal);
        Assert.Contains("the test command failed: the program exited with status 4", message, StringComparison.Ordinal);
        Assert.Contains("no model here", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestCommand_WithoutAReport_FailsSayingWhatToPrint()
    {
        var run = await Cli().RunAsync("run", "--command", $"/usr/bin/python3 {_dir.Combine("train.py")} 0", "--epochs", "1",
            "--test-command", "true", "--retries", "0", "--sweep-id", "silent-test", "--slots", "1", "--json", "--out", _dir.Combine("out-silent"));

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("the test command exited without a report", (string?)JsonNode.Parse(run.Stdout)!["message"] ?? "", StringComparison.Ordinal);
    }
}

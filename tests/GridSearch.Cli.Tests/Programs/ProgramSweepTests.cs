using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests.Programs;

/// <summary>
/// A user's own program tuned end to end with <c>gridsearch run</c>: a Python script that uses python/gridsearch_run.py,
/// keeps its state in its run folder, and writes a ledger (outside the folder) of every epoch it reports. Cells that
/// differ only in epochs share one run; a sweep killed with SIGKILL while a run is halfway takes its program down with
/// it and resumes to exactly the uninterrupted result, with no reported epoch trained twice; failures carry the
/// program's last error lines; Ctrl+C leaves no process of the program behind.
/// </summary>
public sealed class ProgramSweepTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("program-sweep");

    public void Dispose() => _dir.Dispose();


    private static string Python => "/usr/bin/python3";

    private CliRun Cli(string name, string[]? command = null)
    {
        File.WriteAllText(_dir.Combine("train.py"), ResumableProgram.Script);
        var cli = new CliRun(_dir.Combine($"state-{name}"), _dir.Combine("cache")) { Command = command ?? ["dotnet", RepositoryPaths.CliAssembly] };
        ResumableProgram.Prepare(cli.Environment, _dir.Combine($"ledger-{name}"));
        return cli;
    }

    private string[] Sweep(string sweepId, params string[] more) =>
    [
        "run", "--command", $"{Python} {_dir.Combine("train.py")} --lr {{lr}}", "--param", "lr=0.1,0.3", "--epochs", "2,4",
        "--sweep-id", sweepId, "--slots", "1", "--json", "--out", _dir.Combine($"out-{sweepId}"), .. more,
    ];

    private string[] Ledger(string name) => File.ReadAllLines(_dir.Combine($"ledger-{name}"));

    // Processes of this test's programs (the script's path is in their command line), the watchdog's included.
    private string[] ProgramProcesses() => Directory.EnumerateDirectories("/proc")
        .Select(Path.GetFileName)
        .Where(name => int.TryParse(name, out _))
        .Select(pid => (Pid: pid!, CommandLine: CommandLine(pid!)))
        .Where(p => p.CommandLine.Contains(_dir.Path, StringComparison.Ordinal) && !p.CommandLine.Contains("GridSearch.Client", StringComparison.Ordinal)
                    && !p.CommandLine.Contains("gridsearch", StringComparison.OrdinalIgnoreCase))
        .Select(p => $"{p.Pid}: {p.CommandLine}")
        .ToArray();

    [Fact]
    public async Task Grid_SharesRunsAcrossEpochCounts_AndKeepsEveryReportedMetric()
    {
        var run = await Cli("grid").RunAsync(Sweep("grid"));

        Assert.True(run.ExitCode == 0, run.ToString());
        var result = JsonNode.Parse(run.Stdout)!.AsObject();
        Assert.Equal("Completed", (string?)result["status"]);
        // Two runs of four epochs serve the four cells: eight epochs, each reported once.
        Assert.Equal(8, (int)result["timings"]!["epochsTrained"]!);
        Assert.Equal(8, Ledger("grid").Distinct().Count());
        Assert.Equal(8, Ledger("grid").Length);
        var cell = result["trials"]!.AsArray().Single(t => (string?)t!["id"] == "lr0.3-ep4")!;
        Assert.Equal([0.3, 0.3, 0.3, 0.3], cell["metrics"]!["lr_seen"]!.AsArray().Select(v => (double)v!));
        Assert.Equal(cell["valAccuracy"]!.ToJsonString(), cell["metrics"]!["val_accuracy"]!.ToJsonString());
        Assert.Equal("lr0.3-ep4", (string?)result["best"]!["trialId"]);
        Assert.Equal("val_accuracy", (string?)result["best"]!["metric"]);
        Assert.Equal((double)cell["valAccuracy"]![3]!, (double)result["best"]!["value"]!);
        Assert.Null(result["testAccuracy"]);
        string[] csv = File.ReadAllLines(_dir.Combine("out-grid", "results.csv"));
        Assert.Equal("trial_id,lr,epochs,epoch,lr_seen,train_loss,val_accuracy,seconds,status", csv[0]);
        Assert.StartsWith("lr0.3-ep4,0.3,4,4,0.3,", csv.Single(l => l.StartsWith("lr0.3-ep4,0.3,4,4,", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Empty(ProgramProcesses());
        // Run folders live in the state directory while their runs train, and go once the runs are done.
        string folders = _dir.Combine("state-grid", "run-folders");
        Assert.True(Directory.Exists(folders), "programs' run folders are kept in the state directory");
        Assert.Empty(Directory.EnumerateFileSystemEntries(folders));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the run folders' copies on a volume of their own (what trainers share on a cluster), not in checkpoints
    public async Task ResumeAfterSigkill_EndsTheProgramToo_AndGivesTheUninterruptedResultWithNoEpochTrainedTwice(bool folderStore)
    {
        string store = _dir.Combine("folder-store");
        string[] storeOption = folderStore ? ["--run-folder-store", store] : [];
        var uninterrupted = await Cli("base").RunAsync(Sweep("base"));
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.ToString());

        // The second run (lr 0.3) holds at the start of its third epoch, once its first two are reported.
        var cli = Cli("crashed");
        string held = _dir.Combine("held");
        cli.Environment["TEST_HOLD_RUN"] = "lr0.3-ep4";
        cli.Environment["TEST_HOLD_EPOCH"] = "3";
        cli.Environment["TEST_HOLD_FILE"] = held;
        using (var process = cli.Start(Sweep("crashed", storeOption)))
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await Eventually.WaitAsync(() => File.Exists(held) || process.HasExited, TimeSpan.FromMinutes(2), "the program to hold at epoch 3");
            Assert.False(process.HasExited, $"run ended (exit {(process.HasExited ? process.ExitCode : 0)}) before the hold");
            // Reported epochs are the recorded ones: wait until the coordinator has both (their folders are stored first).
            var status = Cli("crashed");
            await Eventually.WaitAsync(async () => await status.RunAsync("status", "crashed", "--json"),
                r => r.ExitCode == 0 && JsonNode.Parse(r.Stdout)!["trials"]!.AsArray()
                    .Single(t => (string?)t!["id"] == "lr0.3-ep4")!["valAccuracy"]!.AsArray().Count == 2,
                TimeSpan.FromMinutes(1), "epochs 1 and 2 of lr0.3 recorded");
            Assert.NotEmpty(ProgramProcesses());
            Assert.Equal(folderStore, Directory.Exists(Path.Combine(store, "crashed", "lr0.3-ep4", "epoch-2")));
            process.Kill(); // SIGKILL: the tool gets no chance to stop its program
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        // The program's watchdog sees the tool's pipe close and ends the program's whole process group.
        await Eventually.WaitAsync(() => ProgramProcesses().Length == 0, TimeSpan.FromSeconds(30),
            "no process of the program left after SIGKILL of run");

        // The state directory remembers the volume: resume needs no --run-folder-store.
        var resumed = await Cli("crashed").RunAsync("resume", "crashed", "--json", "--slots", "1", "--out", _dir.Combine("out-crashed"));

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        var expected = JsonNode.Parse(uninterrupted.Stdout)!.AsObject();
        var actual = JsonNode.Parse(resumed.Stdout)!.AsObject();
        Assert.Equal(ResultTrials.Comparable(expected["trials"]!), ResultTrials.Comparable(actual["trials"]!));
        Assert.Equal(expected["best"]!.ToJsonString(), actual["best"]!.ToJsonString());
        Assert.Equal(Ledger("base").Order(), Ledger("crashed").Order());
        // The copies go with the sweep's checkpoints once it is done.
        Assert.False(Directory.Exists(Path.Combine(store, "crashed")));
    }

    [Fact]
    public async Task CrashingProgram_IsRetried_AndItsCellFailsWithTheProgramsLastErrorLines()
    {
        var cli = Cli("crash");
        cli.Environment["TEST_FAIL"] = "1";
        cli.Environment["TEST_STARTS"] = _dir.Combine("starts-crash");

        var run = await cli.RunAsync(Sweep("crash", "--retries", "1"));

        var result = JsonNode.Parse(run.Stdout)!.AsObject();
        Assert.NotEqual(0, run.ExitCode);
        Assert.All(result["trials"]!.AsArray(), cell =>
        {
            Assert.Equal("Failed", (string?)cell!["status"]);
            Assert.Contains("loading the data failed: boom", (string?)cell["error"], StringComparison.Ordinal);
        });
        // --retries 1: each run's program started twice before its cells failed.
        Assert.Equal(["lr0.1-ep4", "lr0.1-ep4", "lr0.3-ep4", "lr0.3-ep4"], File.ReadAllLines(_dir.Combine("starts-crash")).Order());
        Assert.Empty(ProgramProcesses());
        Assert.False(File.Exists(_dir.Combine("ledger-crash")));
    }

    [Fact]
    public async Task HangingProgram_FailsOnItsReportTimeout_AndLeavesNoProcess()
    {
        string config = _dir.Combine("hang.yaml");
        File.WriteAllText(config, $$"""
            program:
              command: ["{{Python}}", "-c", "import time\nwhile True: time.sleep(1)", "{lr}"]
              report_timeout: 1s
            parameters:
              lr: [0.1]
              epochs: 2
            retries: 0
            """);

        var run = await Cli("hang").RunAsync("run", "--config", config, "--sweep-id", "hang", "--json", "--out", _dir.Combine("out-hang"));

        Assert.NotEqual(0, run.ExitCode);
        var cell = Assert.Single(JsonNode.Parse(run.Stdout)!["trials"]!.AsArray())!;
        Assert.Equal("Failed", (string?)cell["status"]);
        Assert.Contains("report", (string?)cell["error"], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Directory.EnumerateDirectories("/proc").Select(d => CommandLine(Path.GetFileName(d))),
            line => line.Contains("while True: time.sleep(1)", StringComparison.Ordinal) && line.Contains("0.1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CtrlC_StopsTheSweep_AndLeavesNoProcessOfTheProgram()
    {
        // SIGINT at its default for the tool, as in a terminal (a background harness would have it ignored).
        var cli = Cli("interrupt", ["python3", "-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])",
            "dotnet", RepositoryPaths.CliAssembly]);
        string held = _dir.Combine("held-interrupt");
        cli.Environment["TEST_HOLD_RUN"] = "lr0.1-ep4";
        cli.Environment["TEST_HOLD_EPOCH"] = "2";
        cli.Environment["TEST_HOLD_FILE"] = held;
        using var process = cli.Start(Sweep("interrupt"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Eventually.WaitAsync(() => File.Exists(held) || process.HasExited, TimeSpan.FromMinutes(2), "the program to hold at epoch 2");
        Assert.NotEmpty(ProgramProcesses());

        using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        Assert.Equal(130, process.ExitCode);
        await Eventually.WaitAsync(() => ProgramProcesses().Length == 0, TimeSpan.FromSeconds(10), "no process of the program left after Ctrl+C");
    }

    [Fact]
    public async Task Cancel_FromAnotherTerminal_EndsTheRunningProgramsGroup()
    {
        var cli = Cli("cancel");
        string held = _dir.Combine("held-cancel");
        cli.Environment["TEST_HOLD_RUN"] = "lr0.1-ep4";
        cli.Environment["TEST_HOLD_EPOCH"] = "2";
        cli.Environment["TEST_HOLD_FILE"] = held;
        using var process = cli.Start(Sweep("cancel"));
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        process.BeginErrorReadLine();
        await Eventually.WaitAsync(() => File.Exists(held) || process.HasExited, TimeSpan.FromMinutes(2), "the program to hold at epoch 2");
        Assert.NotEmpty(ProgramProcesses());

        var cancel = await Cli("cancel").RunAsync("cancel", "cancel");

        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        Assert.Equal("Cancelled", (string?)JsonNode.Parse(await stdout)!["status"]);
        await Eventually.WaitAsync(() => ProgramProcesses().Length == 0, TimeSpan.FromSeconds(10), "no process of the program left after cancel");
    }

    [Fact]
    public async Task SweepFile_ProgramWithItsOwnParametersAndAMinimisedMetric_PicksTheLowest()
    {
        string config = _dir.Combine("sweep.yaml");
        File.WriteAllText(config, """
            program:
              command: ["sh", "-c", "for e in $(seq 1 $GRIDSEARCH_EPOCHS); do echo \"GRIDSEARCH_REPORT {\\\"epoch\\\": $e, \\\"loss\\\": $(( ({x} - 3) * ({x} - 3) + {shift} ))}\"; done", "{mode}"]
              env: {EXTRA: "1"}
              timeout: 1m
            metric: loss
            mode: min
            parameters:
              x: [1, 3, 5]
              shift: {min: 0, max: 2, count: 3, type: int}
              mode: [fast, "slow one"]
              epochs: 1
            """);

        var run = await Cli("file").RunAsync("run", "--config", config, "--sweep-id", "file", "--json", "--out", _dir.Combine("out-file"));

        Assert.True(run.ExitCode == 0, run.ToString());
        var result = JsonNode.Parse(run.Stdout)!.AsObject();
        Assert.Equal(18, result["trials"]!.AsArray().Count);
        Assert.Equal("x3-shift0-modefast-ep1", (string?)result["best"]!["trialId"]);
        Assert.Equal(("loss", 0.0), ((string?)result["best"]!["metric"], (double)result["best"]!["value"]!));
        Assert.Equal("slow one", (string?)result["trials"]!.AsArray().Last()!["params"]!["mode"]);
        Assert.Equal([0, 1, 2], result["trials"]!.AsArray().Select(t => (int)t!["params"]!["shift"]!).Distinct().Order());
    }

    private static string CommandLine(string? pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}

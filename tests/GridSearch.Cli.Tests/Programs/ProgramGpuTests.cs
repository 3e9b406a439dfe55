using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests.Programs;

/// <summary>
/// <c>gpus:</c> end to end. The machine has no GPU, so the silo's own CUDA_VISIBLE_DEVICES names the devices it may
/// hand out, as a container's share of a machine does. A shell program takes a lock named after the device it was
/// given and fails if another run holds it, so two runs on one device at once fail the sweep; while it holds its lock
/// it waits a little for a run on another device, to see that runs did train side by side.
/// </summary>
public sealed class ProgramGpuTests : IDisposable
{
    private const string Script = """
        set -e
        mkdir "$LOCKS/device-$CUDA_VISIBLE_DEVICES" || { echo "device $CUDA_VISIBLE_DEVICES is taken" >&2; exit 3; }
        trap 'rmdir "$LOCKS/device-$CUDA_VISIBLE_DEVICES"' EXIT
        peers=1
        for i in $(seq 1 200); do
          peers=$(ls "$LOCKS" | wc -l)
          [ "$peers" -ge 2 ] && break
          sleep 0.05
        done
        echo "$GRIDSEARCH_RUN_ID [$CUDA_VISIBLE_DEVICES] $peers" >> "$LEDGER"
        for e in $(seq 1 "$GRIDSEARCH_EPOCHS"); do echo "GRIDSEARCH_REPORT {\"epoch\": $e, \"val_accuracy\": 0.5}"; done
        """;

    private readonly TemporaryDirectory _dir = new("program-gpus");

    public void Dispose() => _dir.Dispose();

    private CliRun Cli(string visibleDevices)
    {
        File.WriteAllText(_dir.Combine("train.sh"), Script);
        Directory.CreateDirectory(_dir.Combine("locks"));
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cache"));
        cli.Environment["CUDA_VISIBLE_DEVICES"] = visibleDevices;
        cli.Environment["LOCKS"] = _dir.Combine("locks");
        cli.Environment["LEDGER"] = _dir.Combine("ledger");
        return cli;
    }

    private string[] Sweep(string sweepId, params string[] more) =>
    [
        "run", "--command", $"sh {_dir.Combine("train.sh")}", "--param", "lr=0.1,0.2,0.3,0.4", "--epochs", "2",
        "--sweep-id", sweepId, "--slots", "2", "--json", "--out", _dir.Combine($"out-{sweepId}"), .. more,
    ];

    private string[] Ledger() => File.ReadAllLines(_dir.Combine("ledger"));

    [Fact]
    public async Task Gpus_EachRunningProgramGetsItsOwnDevice_AndRunsWaitForAFreeOne()
    {
        var run = await Cli("0,1").RunAsync(Sweep("two-devices", "--gpus", "1"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("Completed", (string?)JsonNode.Parse(run.Stdout)!["status"]);
        string[] ledger = Ledger();
        Assert.Equal(4, ledger.Length);
        Assert.All(ledger, line => Assert.Matches(@" \[[01]\] ", line));
        Assert.Contains(ledger, line => line.EndsWith(" 2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gpus_OneDeviceAndTwoSlots_TrainsOneRunAtATime()
    {
        var run = await Cli("3").RunAsync(Sweep("one-device", "--gpus", "1"));

        Assert.True(run.ExitCode == 0, run.ToString());
        string[] ledger = Ledger();
        Assert.Equal(4, ledger.Length);
        Assert.All(ledger, line => Assert.EndsWith(" [3] 1", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gpus_LeftOut_TheProgramSeesNoDevice_AndMoreThanTheTrainerHasFailsSayingWhy()
    {
        var cpu = await Cli("0,1").RunAsync(Sweep("no-gpus"));

        Assert.True(cpu.ExitCode == 0, cpu.ToString());
        Assert.All(Ledger(), line => Assert.Contains(" [] ", line, StringComparison.Ordinal));

        var tooMany = await Cli("0,1").RunAsync(Sweep("too-many", "--gpus", "3", "--retries", "0"));

        Assert.NotEqual(0, tooMany.ExitCode);
        Assert.Contains("ask for at most 2", tooMany.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GpuMemory_WithoutGpus_IsRefusedBeforeAnythingRuns()
    {
        var run = await Cli("0").RunAsync(Sweep("memory-alone", "--gpu-memory", "2GiB"));

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("give gpus: 1 (or more) with it", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.Combine("ledger")));
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests.Programs;

/// <summary>
/// A program that prints 100 MB of its own log (and a 10 MB line with no line break) costs the tool no more memory
/// than a quiet one: output is read in bounded lines and never kept. Peak resident memory (VmHWM) of the same sweep
/// is compared, both held after their first report so the figure is read while the tool still runs.
/// </summary>
public sealed class ProgramOutputMemoryTests : IDisposable
{
    private const long OutputBytes = 100L * 1024 * 1024;

    private readonly TemporaryDirectory _dir = new("program-output");

    public void Dispose() => _dir.Dispose();

    private const string Script = """
        import os, sys, time
        loud = int(os.environ["TEST_LOUD_BYTES"])
        line = ("x" * 1023 + "\n").encode()
        out = sys.stdout.buffer
        for _ in range(loud // len(line)):
            out.write(line)
        if loud:
            out.write(b"y" * (10 * 1024 * 1024) + b"\n")
        out.write(b'GRIDSEARCH_REPORT {"epoch": 1, "val_accuracy": 0.5}\n')
        out.flush()
        open(os.environ["TEST_HOLD_FILE"], "w").close()
        while not os.path.exists(os.environ["TEST_RELEASE_FILE"]):
            time.sleep(0.05)
        out.write(b'GRIDSEARCH_REPORT {"epoch": 2, "val_accuracy": 0.75}\n')
        """;

    private async Task<long> PeakResidentBytesAsync(string name, long loudBytes)
    {
        File.WriteAllText(_dir.Combine("loud.py"), Script);
        var cli = new CliRun(_dir.Combine($"state-{name}"), _dir.Combine("cache"));
        string held = _dir.Combine($"held-{name}"), release = _dir.Combine($"release-{name}");
        cli.Environment["TEST_LOUD_BYTES"] = loudBytes.ToString(CultureInfo.InvariantCulture);
        cli.Environment["TEST_HOLD_FILE"] = held;
        cli.Environment["TEST_RELEASE_FILE"] = release;
        using var process = cli.Start("run", "--command", $"/usr/bin/python3 {_dir.Combine("loud.py")}", "--param", "x=1",
            "--epochs", "2", "--sweep-id", name, "--json", "--out", _dir.Combine($"out-{name}"));
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await Eventually.WaitAsync(() => File.Exists(held) || process.HasExited, TimeSpan.FromMinutes(2), $"the {name} program to print and report");
        if (process.HasExited)
        {
            Assert.Fail($"run ended (exit {process.ExitCode}) before the hold: {await stderr}");
        }

        long peak = PeakResident(process.Id);
        File.WriteAllText(release, "");
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

        Assert.True(process.ExitCode == 0, await stderr);
        var cell = Assert.Single(JsonNode.Parse(await stdout)!["trials"]!.AsArray())!;
        Assert.Equal([0.5, 0.75], cell["valAccuracy"]!.AsArray().Select(v => (double)v!));
        return peak;
    }

    // VmHWM: the highest resident set size the process has had, in kB.
    private static long PeakResident(int pid) =>
        long.Parse(File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;

    [Fact]
    public async Task HundredMegabytesOfOutput_KeepTheToolsMemoryBounded()
    {
        long quiet = await PeakResidentBytesAsync("quiet", 0);
        long loud = await PeakResidentBytesAsync("loud", OutputBytes);

        TestContext.Current.TestOutputHelper?.WriteLine($"peak resident: quiet {quiet / 1048576.0:F1} MiB, loud {loud / 1048576.0:F1} MiB");
        Assert.True(loud - quiet < OutputBytes / 4,
            $"110 MB of program output raised the tool's peak memory by {(loud - quiet) / 1048576.0:F1} MiB ({quiet / 1048576.0:F1} → {loud / 1048576.0:F1} MiB)");
    }
}

using System.Text.Json;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests;

/// <summary>
/// Stands in for the other machines a user has: child processes started with the environment another CPU would give
/// libtorch, MKL and oneDNN (a kernel level, an MKL branch, a oneDNN instruction set) must still give the golden
/// numbers, because GridSearch pins them before libtorch loads; and a fused sweep repeated gives the same numbers.
/// </summary>
public sealed class PortableNumericsTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("numerics");

    public static TheoryData<string> OtherMachines => new()
    {
        "ATEN_CPU_CAPABILITY=default",
        "ATEN_CPU_CAPABILITY=avx512 MKL_CBWR=AVX512 ONEDNN_MAX_CPU_ISA=AVX512_CORE",
        "MKL_CBWR=COMPATIBLE ONEDNN_MAX_CPU_ISA=SSE41",
    };

    private CliRun Cli(string name, string environment)
    {
        var cli = new CliRun(_dir.Combine(name, "state"), _dir.Combine(name, "cache"));
        foreach (string setting in environment.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            cli.Environment[setting[..setting.IndexOf('=')]] = setting[(setting.IndexOf('=') + 1)..];
        }

        return cli;
    }

    [Theory]
    [MemberData(nameof(OtherMachines))]
    public async Task Run_SeedGridUnfused_WithAnotherMachinesCpuEnvironment_GivesTheGoldenNumbers(string environment)
    {
        var result = await Cli("other", environment).RunAsync(["run", "--sweep-id", "seedgrid", "--no-cache", "--no-fuse", "--json", "--out", _dir.Combine("out")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        SeedGridCompatibilityTests.AssertGoldenNumbers(JsonDocument.Parse(result.Stdout).RootElement);
    }

    [Fact]
    public async Task Run_WithFastNumerics_FollowsTheMachinesKernels_SoAnotherKernelLevelMovesTheNumbers()
    {
        // The counter-proof: without the pin, the environment of a machine whose kernels differ changes the numbers.
        var pinned = await Cli("pinned", "ATEN_CPU_CAPABILITY=default").RunAsync(["run", "--sweep-id", "a", "--no-cache", "--no-fuse", "--json", "--epochs", "2"]);
        var fast = await Cli("fast", "ATEN_CPU_CAPABILITY=default").RunAsync(["run", "--sweep-id", "b", "--no-cache", "--no-fuse", "--json", "--epochs", "2", "--numerics", "fast"]);

        Assert.True(pinned.ExitCode == 0, pinned.ToString());
        Assert.True(fast.ExitCode == 0, fast.ToString());
        Assert.NotEqual(Losses(pinned), Losses(fast));
    }

    [Fact]
    public async Task Run_FusedSweepFiveTimes_GivesIdenticalNumbersEachTime()
    {
        var runs = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            var result = await Cli($"fused-{i}", "").RunAsync(["run", "--sweep-id", "fused", "--seed", "3", "--lr", "0.01,0.001",
                "--batch-size", "16,32", "--epochs", "2,3", "--json", "--out", _dir.Combine($"out-{i}")]);
            Assert.True(result.ExitCode == 0, result.ToString());
            runs.Add(Losses(result));
        }

        Assert.All(runs, losses => Assert.Equal(runs[0], losses));
    }

    [Theory]
    [InlineData("run --numerics exact")]
    [InlineData("run --numerics=exact")]
    public async Task Run_WithAModeThatDoesNotExist_ExitsOneNamingTheOptionAndTheModes(string commandLine)
    {
        var result = await Cli("bad", "").RunAsync(commandLine.Split(' '));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--numerics is 'exact'", result.Stderr);
        Assert.Contains("portable", result.Stderr);
        Assert.DoesNotContain("Exception", result.Stderr);
    }

    [Fact]
    public async Task Run_WithABadNumericsEnvironmentVariable_ExitsOneNamingTheVariable()
    {
        var result = await Cli("bad-env", "GRIDSEARCH_NUMERICS=turbo").RunAsync(["run"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("GRIDSEARCH_NUMERICS is 'turbo'", result.Stderr);
    }

    private static string Losses(CliResult result) => string.Join(";", JsonDocument.Parse(result.Stdout).RootElement.GetProperty("trials")
        .EnumerateArray().Select(t => $"{t.GetProperty("id").GetString()}={t.GetProperty("trainLoss")}"));

    public void Dispose() => _dir.Dispose();
}

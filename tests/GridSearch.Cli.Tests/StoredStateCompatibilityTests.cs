using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests;

/// <summary>
/// State written by an earlier release is read and resumed by this one. Each folder under Compatibility/ holds what a
/// release left behind when it was killed (SIGKILL) after the first run of a fused sweep finished — its state
/// directory, checkpoints included — and the data it trained on (made by Compatibility/make-fixture.sh with that
/// release's build). Resuming it must end exactly like an uninterrupted run of the same sweep by the current build.
/// </summary>
public sealed class StoredStateCompatibilityTests : IDisposable
{
    private static readonly DateTime DataTime = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly TemporaryDirectory _dir = new("compat");

    public static TheoryData<string> Releases => ["release-3c46968"];

    [Theory]
    [MemberData(nameof(Releases))]
    public async Task StateOfAKilledSweep_WrittenByAnEarlierRelease_ResumesToTheUninterruptedResult(string release)
    {
        string fixture = Path.Combine(RepositoryPaths.Root, "tests", "GridSearch.Cli.Tests", "Compatibility", release);
        string data = PlaceData(fixture, release);
        string state = _dir.Combine("state");
        CopyDirectory(Path.Combine(fixture, "state"), state);

        var resumed = await new CliRun(state, _dir.Combine("cache")).RunAsync("resume", "compat", "--json", "--out", _dir.Combine("resumed"));
        var fresh = await new CliRun(_dir.Combine("fresh-state"), _dir.Combine("cache")).RunAsync(
            "run", "--data", data, "--lr", "0.05,0.01", "--batch-size", "8,16", "--epochs", "2,3", "--seed", "5", "--image-size", "16",
            "--slots", "1", "--sweep-id", "compat", "--json", "--out", _dir.Combine("fresh"));

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.True(fresh.ExitCode == 0, fresh.ToString());
        var expected = JsonNode.Parse(fresh.Stdout)!.AsObject();
        var actual = JsonNode.Parse(resumed.Stdout)!.AsObject();
        Assert.Equal("Completed", (string?)actual["status"]);
        Assert.Equal(ResultTrials.Comparable(expected["trials"]!, "silo"), ResultTrials.Comparable(actual["trials"]!, "silo"));
        Assert.Equal(expected["best"]!.ToJsonString(), actual["best"]!.ToJsonString());
        Assert.Equal((double)expected["testAccuracy"]!, (double)actual["testAccuracy"]!);
        Assert.Equal((int)expected["timings"]!["epochsTrained"]!, (int)actual["timings"]!["epochsTrained"]!);
        Assert.Null(WinnerFiles.Difference(_dir.Combine("fresh"), _dir.Combine("resumed")));
    }

    /// <summary>
    /// Puts the fixture's images where the release trained on them (the sweep's state names that root) with the
    /// modification times they had (the state's data fingerprint includes them).
    /// </summary>
    private static string PlaceData(string fixture, string release)
    {
        string data = Path.Combine("/tmp", $"gridsearch-compat-{release}", "data");
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }

        CopyDirectory(Path.Combine(fixture, "data"), data);
        foreach (string file in Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, DataTime);
        }

        return data;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }

    public void Dispose() => _dir.Dispose();
}

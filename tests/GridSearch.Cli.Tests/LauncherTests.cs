using System.Text.Json;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests;

/// <summary>
/// The README's first command, <c>./gridsearch run</c>, through the launcher script: on first use it publishes the
/// tool, then runs it; a second call starts the published tool without building again.
/// </summary>
public sealed class LauncherTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("cli-launcher");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Launcher_FirstUse_PublishesTheToolAndRunsTheDemoSweep()
    {
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cache"))
        {
            Command = ["bash", Path.Combine(RepositoryPaths.Root, "gridsearch")],
            Environment = { ["GRIDSEARCH_TOOL_DIR"] = _dir.Combine("tool") },
        };

        var first = await cli.RunAsync(TimeSpan.FromMinutes(10), "run", "--json", "--out", _dir.Combine("out"));

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("gridsearch: building", first.Stderr);
        Assert.True(File.Exists(Path.Combine(_dir.Combine("tool"), "tool", "gridsearch.dll")), first.ToString());
        var results = JsonDocument.Parse(first.Stdout).RootElement;
        Assert.Equal("Completed", results.GetProperty("status").GetString());
        Assert.InRange(results.GetProperty("testAccuracy").GetDouble(), 0, 1);

        var second = await cli.RunAsync("list");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.DoesNotContain("building", second.Stderr);
        Assert.Contains(results.GetProperty("sweepId").GetString()!, second.Stdout);
    }
}

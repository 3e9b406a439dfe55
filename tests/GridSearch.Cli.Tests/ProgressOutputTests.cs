using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests;

/// <summary>
/// Progress that scales: when output is not a terminal (logs, CI, pipes), a sweep prints one line per finished cell
/// instead of one per epoch, and a large sweep's closing table shows its best cells and points to results.csv.
/// --verbose keeps a line per epoch.
/// </summary>
public sealed class ProgressOutputTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("progress");

    private static readonly string[] Grid =
        ["--lr", "0.1,0.09,0.08,0.07,0.06,0.05,0.04,0.03,0.02,0.01,0.009,0.008", "--batch-size", "4,8", "--epochs", "3", "--seed", "1"];

    private async Task<CliResult> RunAsync(string sweepId, params string[] extra)
    {
        string data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 10);
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cache"));
        var result = await cli.RunAsync(["run", "--data", data, .. Grid, "--simulate-training", "1", "--sweep-id", sweepId,
            "--out", _dir.Combine(sweepId), .. extra]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    [Fact]
    public async Task Run_NotOnATerminal_PrintsOneLinePerFinishedCellAndTheBestCells()
    {
        var result = await RunAsync("quiet");
        string[] lines = result.Stdout.Split('\n');

        Assert.DoesNotContain(lines, l => l.Contains(" epoch ", StringComparison.Ordinal) && l.Contains("loss", StringComparison.Ordinal));
        Assert.Equal(24, lines.Count(l => l.Contains(" completed: best val acc ", StringComparison.Ordinal)));
        Assert.Contains("The best 10 of 24 cells by validation accuracy; results.csv and results.json hold every cell.", result.Stdout);
        Assert.Equal(10, lines.Count(l => l.StartsWith("│ lr", StringComparison.Ordinal)));
        Assert.Matches(@"s wall time \(loading the data set: [0-9.]+ s\); 72 epochs trained in [0-9.]+ slot-seconds", result.Stdout);
        Assert.True(lines.Length < 24 + 40, $"{lines.Length} lines for 24 cells:\n{result.Stdout}");
        // The plot draws the best 10 cells over a band for all 24 (looked at by hand at 10,000 cells).
        Assert.True(new FileInfo(_dir.Combine("quiet", "curves.png")).Length > 20_000);
    }

    [Fact]
    public async Task Run_Verbose_KeepsALinePerEpoch()
    {
        var result = await RunAsync("verbose", "--verbose");

        Assert.Equal(24 * 3, result.Stdout.Split('\n').Count(l => l.Contains(" epoch ", StringComparison.Ordinal) && l.Contains("loss", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Run_OverAThousandCellsNotOnATerminal_PrintsFewerLinesThanCells()
    {
        string data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 10);
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cache"));
        string rates = string.Join(',', Enumerable.Range(1, 40).Select(i => (i / 1000.0).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var result = await cli.RunAsync(["run", "--data", data, "--lr", rates, "--batch-size", "1,2,3,4,5,6", "--epochs", "1,2,3,4,5",
            "--simulate-training", "1", "--sweep-id", "large", "--out", _dir.Combine("large")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.Stdout.Split('\n');
        Assert.True(lines.Length < 200, $"{lines.Length} lines for 1,200 cells");
        Assert.Contains(lines, l => l.StartsWith("[1,200/1,200] cells finished (100 %)", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(" completed: best val acc ", StringComparison.Ordinal));
        Assert.True(new FileInfo(_dir.Combine("large", "summary.png")).Length > 20_000);
    }

    public void Dispose() => _dir.Dispose();
}

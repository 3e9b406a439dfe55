using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests;

/// <summary>Every command's help renders: option descriptions are markup, so a stray bracket breaks it.</summary>
public sealed class HelpTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("cli-help");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("run")]
    [InlineData("resume")]
    [InlineData("submit")]
    [InlineData("watch")]
    [InlineData("list")]
    [InlineData("status")]
    [InlineData("cancel")]
    [InlineData("export")]
    [InlineData("delete")]
    [InlineData("train")]
    public async Task Help_OfEveryCommand_ListsItsOptions(string command)
    {
        var result = await new CliRun(_dir.Combine("state"), _dir.Combine("cache")).RunAsync(command, "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("OPTIONS:", result.Stdout);
        Assert.Contains("--help", result.Stdout);
        Assert.DoesNotContain("error", result.Stdout + result.Stderr, StringComparison.OrdinalIgnoreCase);
    }
}

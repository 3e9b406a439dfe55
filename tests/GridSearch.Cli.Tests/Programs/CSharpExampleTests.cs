using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests.Programs;

/// <summary>
/// examples/csharp, a user's program in C# with GridSearch.Run, tuned end to end. Its epochs take microseconds, so
/// only waiting in <c>Report</c> for the folder to be saved keeps the next epoch's state out of the copy: the winner
/// (x = 3, loss 0 from its first epoch, so its best epoch is 1) must be tested on its folder as epoch 1 left it.
/// </summary>
public sealed class CSharpExampleTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("csharp-example");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Example_TunedWithATestCommand_FindsXThree_AndItsFolderAtTheBestEpoch()
    {
        string program = Path.Combine(RepositoryPaths.Root, "examples", "csharp", "bin", "Release", "net10.0", "train.dll");
        Assert.True(File.Exists(program), $"{program} is built with the solution");

        var run = await new CliRun(_dir.Combine("state"), _dir.Combine("cache")).RunAsync(
            "run", "--command", $"dotnet {program}", "--param", "x=1,2,3,4,5", "--epochs", "3", "--metric", "loss", "--mode", "min",
            "--test-command", "sh -c 'echo \"GRIDSEARCH_REPORT {\\\"folder_epoch\\\": $(cat $GRIDSEARCH_RUN_DIR/epoch)}\"'",
            "--slots", "2", "--json", "--out", _dir.Combine("out"));

        Assert.True(run.ExitCode == 0, run.ToString());
        var result = JsonNode.Parse(run.Stdout)!.AsObject();
        Assert.Equal(5, result["trials"]!.AsArray().Count(t => (string?)t!["status"] == "Completed"));
        Assert.Equal(("x3-ep3", 1, 0.0), ((string?)result["best"]!["trialId"], (int)result["best"]!["epoch"]!, (double)result["best"]!["value"]!));
        Assert.Equal(1, (double)result["test"]!["folder_epoch"]!);
        var cell = result["trials"]!.AsArray().Single(t => (string?)t!["id"] == "x1-ep3")!;
        Assert.Equal([4.0, 2.0, 4.0 / 3], cell["metrics"]!["loss"]!.AsArray().Select(v => (double)v!));
    }
}

using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Deploy.Tests;

/// <summary>
/// <c>-p:TorchBackend=external</c> on CPU: a build that ships no libtorch loads a copy of the CPU libtorch from another
/// folder named by GRIDSEARCH_LIBTORCH (as a GPU machine would point it at PyTorch's torch/lib), trains exactly like the
/// standard build, and says what to set when the variable is missing.
/// </summary>
public sealed class ExternalLibTorchTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("external-libtorch");

    [Fact]
    public async Task ExternalBuild_WithACopiedLibTorch_TrainsLikeTheStandardBuild()
    {
        string artifacts = _dir.Combine("artifacts");
        // Its own artifacts folder: its own restore and outputs, so the repository's standard build is untouched.
        var build = await ProcessRun.RunAsync("dotnet", ["build", Path.Combine(RepositoryPaths.Root, "src", "Client", "GridSearch.Client"),
            "-c", "Release", "-p:TorchBackend=external", "-p:UseArtifactsOutput=true", $"-p:ArtifactsPath={artifacts}",
            "-nologo", "-v", "quiet", "-clp:ErrorsOnly"], TestContext.Current.CancellationToken);
        Assert.True(build.ExitCode == 0, build.Output);
        string app = Path.Combine(artifacts, "bin", "GridSearch.Client", "release");
        var natives = Directory.EnumerateFiles(app, "*.so*", SearchOption.AllDirectories).Select(Path.GetFileName).ToArray();
        Assert.Contains("libLibTorchSharp.so", natives);
        Assert.DoesNotContain(natives, n => n!.StartsWith("libtorch", StringComparison.Ordinal) || n.StartsWith("libc10", StringComparison.Ordinal));

        // The standard build's CPU libtorch, copied to a folder of its own.
        string torchLib = Directory.CreateDirectory(_dir.Combine("torch", "lib")).FullName;
        string standardNative = Path.Combine(Path.GetDirectoryName(RepositoryPaths.CliAssembly)!, "runtimes", "linux-x64", "native");
        foreach (string file in Directory.EnumerateFiles(standardNative).Where(f => !f.EndsWith("libLibTorchSharp.so", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(torchLib, Path.GetFileName(file)));
        }

        string data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 20);
        string[] train = ["train", "--data", data, "--lr", "0.01", "--batch-size", "8", "--epochs", "2", "--seed", "3", "--json", "--no-cache"];
        var standard = await new CliRun(_dir.Combine("state-a"), _dir.Combine("cache-a")).RunAsync(train);
        var external = new CliRun(_dir.Combine("state-b"), _dir.Combine("cache-b")) { Command = ["dotnet", Path.Combine(app, "gridsearch.dll")] };
        external.Environment["GRIDSEARCH_LIBTORCH"] = torchLib;
        var withLibTorch = await external.RunAsync(train);

        Assert.True(standard.ExitCode == 0, standard.ToString());
        Assert.True(withLibTorch.ExitCode == 0, withLibTorch.ToString());
        var expected = JsonNode.Parse(standard.Stdout)!;
        var actual = JsonNode.Parse(withLibTorch.Stdout)!;
        Assert.Equal(expected["trainLoss"]!.ToJsonString(), actual["trainLoss"]!.ToJsonString());
        Assert.Equal(expected["valAccuracy"]!.ToJsonString(), actual["valAccuracy"]!.ToJsonString());
        Assert.Equal((double)expected["testAccuracy"]!, (double)actual["testAccuracy"]!);

        external.Environment.Remove("GRIDSEARCH_LIBTORCH");
        var without = await external.RunAsync(train);
        Assert.Equal(1, without.ExitCode);
        Assert.Contains("GRIDSEARCH_LIBTORCH is not set", without.Stderr);

        external.Environment["GRIDSEARCH_LIBTORCH"] = _dir.Combine("data");
        var wrong = await external.RunAsync(train);
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("is not a libtorch folder", wrong.Stderr);
    }

    [Fact]
    public async Task StandardBuild_WithTheVariableSet_RefusesToMixTwoLibTorchCopies()
    {
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cache"));
        cli.Environment["GRIDSEARCH_LIBTORCH"] = _dir.Path;

        var result = await cli.RunAsync("list");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("ships its own libtorch", result.Stderr);
    }

    public void Dispose() => _dir.Dispose();
}

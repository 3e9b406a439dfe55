using System.Text.RegularExpressions;
using GridSearch.TestSupport;

namespace GridSearch.Deploy.Tests;

/// <summary>No Docker engine runs here, so the Dockerfile is checked for what can go stale: paths and projects.</summary>
public sealed partial class DockerfileTests
{
    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "deploy", "docker", "Dockerfile"));

    private static IEnumerable<string> Instructions => Regex.Replace(Dockerfile, @"\\\r?\n", " ").Split('\n')
        .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));

    [Fact]
    public void EveryCopiedPath_ExistsInTheRepository()
    {
        var copies = Instructions.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(copies);
        foreach (string copy in copies)
        {
            string[] words = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (string source in words[1..^1])
            {
                string path = Path.Combine(RepositoryPaths.Root, source.TrimEnd('/'));
                Assert.True(File.Exists(path) || Directory.Exists(path), $"COPY source '{source}' does not exist");
            }
        }
    }

    [Fact]
    public void PublishedProjects_AreTheSiloAndTheClientWithTheCudaBackend()
    {
        var published = PublishPattern().Matches(Dockerfile).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(["src/Silo/GridSearch.Silo/GridSearch.Silo.csproj", "src/Client/GridSearch.Client/GridSearch.Client.csproj"], published);
        Assert.All(published, p => Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, p)), $"{p} does not exist"));
        Assert.Contains("<AssemblyName>gridsearch</AssemblyName>", File.ReadAllText(Path.Combine(RepositoryPaths.Root, published[1])));
        Assert.Equal(2, Instructions.Sum(l => Regex.Count(l, "-p:TorchBackend=cuda")));
        Assert.Contains("TorchSharp-cuda-linux", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "Training", "GridSearch.Training", "GridSearch.Training.csproj")));
    }

    [Fact]
    public void Runtime_IsUbuntu2404AspNetWithGpuCapabilities()
    {
        Assert.Contains(Instructions, l => l == "FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble AS runtime");
        Assert.Contains("NVIDIA_DRIVER_CAPABILITIES=compute,utility", Dockerfile);
        Assert.Contains(Instructions, l => l.StartsWith("FROM runtime AS silo", StringComparison.Ordinal));
        Assert.Contains(Instructions, l => l.StartsWith("FROM runtime AS client", StringComparison.Ordinal));
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"/app/GridSearch.Silo.dll\"]", Dockerfile);
    }

    [GeneratedRegex(@"dotnet publish (\S+\.csproj)")]
    private static partial Regex PublishPattern();

    [Fact]
    public void FinalImages_RunAsANonRootUser()
    {
        // Each image stage (silo, client) switches to the images' unprivileged 'app' user before its entry point.
        foreach (string stage in new[] { "silo", "client" })
        {
            var lines = Instructions.SkipWhile(l => !l.EndsWith($" AS {stage}", StringComparison.Ordinal)).Skip(1)
                .TakeWhile(l => !l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
            int user = lines.FindLastIndex(l => l.StartsWith("USER ", StringComparison.Ordinal));
            Assert.True(user >= 0, $"stage {stage} sets no USER");
            Assert.DoesNotContain(lines[user].Split(' ')[1], new[] { "root", "0" });
            Assert.True(user < lines.FindIndex(l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal)), $"stage {stage}: USER after ENTRYPOINT");
        }
    }
}

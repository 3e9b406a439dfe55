using System.Reflection;
using System.Text.Json;
using GridSearch.Hosting;
using GridSearch.TestSupport;
using GridSearch.Trainer.Execution;

namespace GridSearch.Grains.Tests;

/// <summary>
/// The coordinator, the contracts and the shared silo runtime never load TorchSharp: gateways and clients that host
/// coordinators stay free of libtorch, and the trainer is the only place training code enters. Checked twice: in the
/// assemblies as built (every GridSearch assembly they reference, transitively) and in the packages NuGet resolved for
/// each project (its project.assets.json, which holds the whole package closure, project references included).
/// </summary>
public sealed class ProjectDependencyTests
{
    public static TheoryData<string> TorchFreeProjects => ["GridSearch.Abstractions", "GridSearch.Grains", "GridSearch.Coordinator"];

    [Theory]
    [MemberData(nameof(TorchFreeProjects))]
    public void Project_ItsBuiltAssemblyClosure_HasNoTorchSharp(string project)
    {
        var assembly = Assembly.Load(project);

        var closure = Closure(assembly);

        Assert.DoesNotContain(closure, name => name.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("GridSearch.Training", closure);
        Assert.DoesNotContain("GridSearch.Trainer", closure);
    }

    [Fact]
    public void TrainerAssemblyClosure_HasTorchSharp_SoTheWalkSeesIt()
    {
        var closure = Closure(typeof(TorchRunTrainer).Assembly);

        Assert.Contains("TorchSharp", closure);
        Assert.Contains("GridSearch.Grains", closure);
        Assert.Contains("GridSearch.Coordinator", Closure(typeof(GridSearchSiloExtensions).Assembly));
    }

    [Theory]
    [MemberData(nameof(TorchFreeProjects))]
    public void Project_ItsRestoredPackageClosure_HasNoTorchSharp(string project)
    {
        string assets = Path.Combine(RepositoryPaths.Root, "src", "Grains", project, "obj", "project.assets.json");
        Assert.True(File.Exists(assets), $"{assets} is missing: restore the solution first (dotnet restore GridSearch.sln)");

        var libraries = Libraries(assets);

        Assert.NotEmpty(libraries);
        Assert.DoesNotContain(libraries, library => library.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(libraries, library => library.StartsWith("GridSearch.Training/", StringComparison.Ordinal));
    }

    [Fact]
    public void TrainerPackageClosure_HasTorchSharp_SoTheCheckSeesIt()
    {
        var libraries = Libraries(Path.Combine(RepositoryPaths.Root, "src", "Grains", "GridSearch.Trainer", "obj", "project.assets.json"));

        Assert.Contains(libraries, library => library.StartsWith("TorchSharp/", StringComparison.Ordinal));
    }

    private static List<string> Libraries(string assetsFile)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(assetsFile));
        return document.RootElement.GetProperty("libraries").EnumerateObject().Select(library => library.Name).ToList();
    }

    /// <summary>The names of the assemblies <paramref name="root"/> references, following GridSearch's own and third parties' (not the framework's).</summary>
    private static HashSet<string> Closure(Assembly root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([root]);
        while (pending.TryPop(out var assembly))
        {
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                string name = reference.Name!;
                if (!seen.Add(name) || name.StartsWith("System", StringComparison.Ordinal) || name is "netstandard" or "mscorlib")
                {
                    continue;
                }

                try
                {
                    pending.Push(Assembly.Load(reference));
                }
                catch (FileNotFoundException)
                {
                    // Not shipped beside the tests (a framework facade): its name is recorded, which is what is checked.
                }
            }
        }

        return seen;
    }
}

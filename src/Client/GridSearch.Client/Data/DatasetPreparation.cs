using GridSearch.Client.Commands;
using GridSearch.Client.Output;
using GridSearch.Training.Data;
using GridSearch.Training.Demo;
using Spectre.Console;

namespace GridSearch.Client.Data;

/// <summary>Resolves the data root (or the demo data set) and loads it once, reporting progress and warnings.</summary>
public static class DatasetPreparation
{
    public static string ResolveRoot(DataSettings settings, CliOutput output)
    {
        if (!string.IsNullOrWhiteSpace(settings.DataRoot))
        {
            return Path.GetFullPath(settings.DataRoot);
        }

        string demo = Path.Combine(StateLocation.Resolve(settings.State), "demo-data");
        if (!File.Exists(Path.Combine(demo, ".complete")))
        {
            output.Human.MarkupLineInterpolated($"[grey]No --data given: generating the demo data set in {demo}[/]");
        }

        return DemoDatasetGenerator.EnsureAt(demo);
    }

    public static DatasetLoadResult Load(string root, PreprocessingOptions options, CliOutput output)
    {
        int lastReported = 0;
        var loader = new DatasetLoader(options)
        {
            OnImageDecoded = (done, total) =>
            {
                // Report about every tenth of the way; callbacks arrive from several decoder threads.
                int step = Math.Max(1, total / 10);
                int previous = Volatile.Read(ref lastReported);
                if ((done == total || done - previous >= step)
                    && Interlocked.CompareExchange(ref lastReported, done, previous) == previous)
                {
                    output.Human.MarkupLineInterpolated($"[grey]  decoded {done}/{total} images[/]");
                }
            },
        };
        output.Human.MarkupLineInterpolated($"Loading [bold]{root}[/]");
        DatasetLoadResult result = loader.Load(root);
        foreach (string warning in result.Warnings)
        {
            output.Warn(warning);
        }

        foreach (SkippedImage skipped in result.Dataset.Skipped)
        {
            output.Warn($"skipped '{skipped.RelativePath}': {skipped.Reason}");
        }

        var dataset = result.Dataset;
        string source = result.FromCache ? "from the decode cache" : "decoded";
        output.Human.MarkupLineInterpolated(
            $"{dataset.Count} images, classes {string.Join(", ", dataset.Classes)}: {source} in {result.DecodeSeconds:F2} s");
        return result;
    }
}

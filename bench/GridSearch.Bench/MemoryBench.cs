using System.Globalization;
using GridSearch.TestSupport;

namespace GridSearch.Bench;

/// <summary>
/// Peak resident memory and wall time of <c>gridsearch run</c> (one epoch, no decode cache) on the photo set and on
/// generated sets of 25,000 and 100,000 images. The generated sets are hard links to the photos under new names:
/// every image is resized to 128×128, so each costs the same memory as a distinct photo. The rule checked: peak
/// resident memory at most 1.5 × the decoded bytes + 1 GiB.
/// </summary>
public static partial class MemoryBench
{
    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "link", SetLastError = true,
        StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
    private static partial int link(string existing, string created);

    public static BenchResult Run(string photos)
    {
        var rows = new List<BenchRow>();
        using var dir = new TemporaryDirectory("bench-memory");
        foreach (var (name, root) in new[]
                 {
                     ("cat_dog", photos),
                     ("generated 25,000", Linked(photos, dir.Combine("25k"), 25_000)),
                     ("generated 100,000", Linked(photos, dir.Combine("100k"), 100_000)),
                 })
        {
            int images = Directory.GetDirectories(root).Sum(c => Directory.GetFiles(c).Length);
            var cli = new CliRun(dir.Combine("state-" + images), dir.Combine("cache"))
            {
                Command = ["/usr/bin/time", "-f", "GSMEM %M %e", "dotnet", GridSearch.TestSupport.RepositoryPaths.CliAssembly],
            };
            var run = cli.RunAsync(TimeSpan.FromMinutes(30), "run", "--data", root, "--lr", "0.01", "--batch-size", "64",
                "--epochs", "1", "--no-cache", "--json", "--out", dir.Combine("out-" + images)).GetAwaiter().GetResult();
            if (run.ExitCode != 0)
            {
                throw new InvalidOperationException($"gridsearch run on {name} failed:\n{run}");
            }

            string[] measured = run.Stderr.Split('\n').Last(l => l.StartsWith("GSMEM ", StringComparison.Ordinal)).Split(' ');
            double peakMb = double.Parse(measured[1], CultureInfo.InvariantCulture) / 1024;
            double seconds = double.Parse(measured[2], CultureInfo.InvariantCulture);
            double decodedMb = images * 3.0 * 128 * 128 / (1024 * 1024);
            double limitMb = 1.5 * decodedMb + 1024;
            rows.Add(new BenchRow($"{name}: peak resident memory", Math.Round(peakMb), "MB",
                $"{images:N0} images, {decodedMb:F0} MB decoded; limit 1.5 × decoded + 1 GiB = {limitMb:F0} MB" +
                (peakMb <= limitMb ? "" : " — OVER THE LIMIT")));
            rows.Add(new BenchRow($"{name}: wall time (decode, 1 epoch, test)", Math.Round(seconds, 1), "s", "process start to exit, no decode cache"));
        }

        return new BenchResult("memory", BenchResult.MachineDescription(), DateTimeOffset.UtcNow, rows);
    }

    /// <summary>An ImageFolder of <paramref name="count"/> hard links to the photos, half per class.</summary>
    private static string Linked(string photos, string root, int count)
    {
        var sources = Directory.GetDirectories(photos).SelectMany(Directory.GetFiles).Order(StringComparer.Ordinal).ToArray();
        foreach (string label in new[] { "a", "b" })
        {
            Directory.CreateDirectory(Path.Combine(root, label));
        }

        for (int i = 0; i < count; i++)
        {
            string source = sources[i % sources.Length];
            string target = Path.Combine(root, i % 2 == 0 ? "a" : "b", $"{i:D6}{Path.GetExtension(source)}");
            if (link(source, target) != 0)
            {
                throw new IOException($"could not link {target} to {source} (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
            }
        }

        return root;
    }
}

using GridSearch.Bench;
using Spectre.Console;

// Usage: bench/run.sh [throughput|seed-grid|overhead|resume|memory|fused|wide-grid|conv-fusion|watch|searcher-latency|all] [--data DIR] [--repeats N]
//        [--results DIR] (default bench/results) [--device cpu|cuda] (fused, conv-fusion) and [--epochs N] (fused)
// A build with -p:TorchBackend=external loads libtorch from GRIDSEARCH_LIBTORCH, as the tool does.
GridSearch.Training.Runtime.CpuNumerics.PinFromEnvironment();
GridSearch.Training.Runtime.ExternalLibTorch.LoadIfConfigured();
string data = Path.GetFullPath(Arg("--data") ?? Path.Combine(RepoRoot(), "..", "shared", "datasets", "cat_dog"));
int repeats = int.Parse(Arg("--repeats") ?? "3", System.Globalization.CultureInfo.InvariantCulture);
string results = Path.GetFullPath(Arg("--results") ?? Path.Combine(RepoRoot(), "bench", "results"));
var suites = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal) && !IsOptionValue(a)).DefaultIfEmpty("all").ToArray();
if (suites.Contains("all"))
{
    suites = ["throughput", "seed-grid", "overhead", "resume", "memory"];
}

if (!Directory.Exists(data))
{
    AnsiConsole.MarkupLine($"[red]error:[/] data set '{Markup.Escape(data)}' not found; pass --data with an ImageFolder root.");
    return 1;
}

foreach (string suite in suites)
{
    switch (suite)
    {
        case "throughput":
            ThroughputBench.Run(data, repeats).Report(results);
            break;
        case "bare-seed-loop":
            // One bare loop in this process (the seed-grid suite starts it as a process of its own).
            var bare = BareSeedLoop.Run(data);
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { bare.Seconds, bare.DecodeSeconds, bare.BestValidation, bare.Test }));
            break;
        case "seed-grid":
            SeedGridBench.Run(data, repeats).Report(results);
            break;
        case "overhead":
            OverheadBench.Run(trials: 2000, milliseconds: 100, slots: 16).Report(results);
            break;
        case "resume":
            ResumeBench.Run(data, repeats).Report(results);
            break;
        case "memory":
            MemoryBench.Run(data).Report(results);
            break;
        case "wide-grid":
            WideGridBench.Run(data, repeats).Report(results);
            break;
        case "fused":
            FusedBench.Run(data, epochs: int.Parse(Arg("--epochs") ?? "3", System.Globalization.CultureInfo.InvariantCulture),
                device: Arg("--device") ?? "cpu").Report(results);
            break;
        case "watch":
            WatchBench.Run(cells: 10_000, window: TimeSpan.FromSeconds(int.Parse(Arg("--seconds") ?? "20", System.Globalization.CultureInfo.InvariantCulture)))
                .Report(results);
            break;
        case "searcher-latency":
            SearcherLatencyBench.Run(repeats: 10).Report(results);
            break;
        case "conv-fusion":
            ConvFusionBench.Run(device: Arg("--device") ?? "cpu").Report(results);
            break;
        default:
            AnsiConsole.MarkupLine($"[red]error:[/] unknown benchmark '{Markup.Escape(suite)}'; choose throughput, seed-grid, overhead, resume, memory, fused, wide-grid, conv-fusion, watch, searcher-latency or all.");
            return 2;
    }
}

return 0;

string? Arg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

bool IsOptionValue(string value)
{
    int i = Array.IndexOf(args, value);
    return i > 0 && args[i - 1].StartsWith("--", StringComparison.Ordinal);
}

static string RepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "GridSearch.sln")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}

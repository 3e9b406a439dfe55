using System.Diagnostics;
using GridSearch.Abstractions;

namespace GridSearch.Bench;

/// <summary>
/// How long a searcher that learns from results takes to propose the next cell once 100, 1,000 and 10,000 results are
/// in: TPE over a four-parameter space (two log ranges, a linear range, a list), the history drawn at random.
/// </summary>
public static class SearcherLatencyBench
{
    public static BenchResult Run(int repeats)
    {
        var spec = new SweepSpec
        {
            Search = "tpe", Samples = 20_000, Seed = 1, DataRoot = "/data",
            Parameters =
            [
                new SearchDimension(ParameterCatalog.LearningRate, Range: new ParameterRange(1e-5, 1, RangeScale.Log)),
                new SearchDimension(ParameterCatalog.Momentum, Range: new ParameterRange(0, 0.99)),
                new SearchDimension(ParameterCatalog.WeightDecay, Range: new ParameterRange(1e-6, 0.1, RangeScale.Log)),
                SearchDimension.Of(ParameterCatalog.BatchSize, [8, 16, 32, 64, 128, 256]),
                SearchDimension.Of(ParameterCatalog.Epochs, [1]),
            ],
        };
        var searcher = Searchers.For(spec);
        var rows = new List<BenchRow>();
        foreach (int results in new[] { 100, 1_000, 10_000 })
        {
            var cells = SweepCells.Of(spec with { Search = "random", Samples = results }).ToList();
            var history = new SearchHistory(cells, cells.Select((c, i) => new CellResult(c, Score(c, i), 1, StoppedEarly: false)).ToList());
            var proposed = new HashSet<string> { searcher.Ask(spec, history).First().CellId }; // warm up: JIT, first allocations
            var times = new List<double>();
            for (int i = 0; i < Math.Max(3, repeats); i++)
            {
                var clock = Stopwatch.StartNew();
                var cell = searcher.Ask(spec, history).First();
                times.Add(clock.Elapsed.TotalMilliseconds);
                proposed.Add(cell.CellId);
            }

            rows.Add(new BenchRow($"tpe, {results:N0} results", times.Order().ElementAt(times.Count / 2), "ms",
                $"median of {times.Count} asks for one cell ({proposed.Count} distinct: the same history gives the same cell)"));
        }

        return new BenchResult("searcher-latency", BenchResult.MachineDescription(), DateTimeOffset.UtcNow, rows);
    }

    // A smooth objective with a little deterministic noise, so the history has a real good part.
    private static double Score(CellParameters cell, int index) =>
        -Math.Pow(Math.Log10(cell.LearningRate) + 2.5, 2) - Math.Pow(cell.Momentum - 0.9, 2) + (index % 7) * 1e-3;
}

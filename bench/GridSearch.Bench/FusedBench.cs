using System.Diagnostics;
using GridSearch.Training.Data;
using GridSearch.Training.Model;
using GridSearch.Training.Trainer;
using TorchSharp;

namespace GridSearch.Bench;

/// <summary>
/// The wide grid's cells of one batch size (16 learning rates log-spaced from 1e-4 to 1e-1), trained one after another
/// by the trainer a sweep uses today and as one fused group: wall time of each, and how far their results differ.
/// Trainer level only (decoded data in memory, one thread each): what fusion saves per pass over the data.
/// </summary>
public static class FusedBench
{
    public static BenchResult Run(string dataRoot, int epochs, string device)
    {
        var loaded = new DatasetLoader(new PreprocessingOptions()).Load(dataRoot);
        var split = DataSplit.Create(loaded.Dataset.Count, 0);
        using var data = TrainingData.Create(loaded.Dataset, split, torch.device(device));
        // One thread, as each slot of a sweep trains: with more, reductions may split differently from run to run.
        var options = new TrainerOptions { Threads = 1 };
        var rates = Enumerable.Range(0, 16).Select(i => Math.Pow(10, -4 + 3.0 * i / 15)).ToArray();
        var rows = new List<BenchRow>();
        foreach (int batch in new[] { 16, 32 })
        {
            var plans = rates.Select(lr => new TrainingPlan(lr, batch, epochs, 0)).ToArray();
            new ClassifierTrainer(data, options).Train(plans[0] with { Epochs = 1 }, null, CancellationToken.None); // warm-up

            var clock = Stopwatch.StartNew();
            var alone = plans.Select(p => new ClassifierTrainer(data, options).Train(p, null, CancellationToken.None)).ToArray();
            double unfused = clock.Elapsed.TotalSeconds;

            var fused = plans.Select(_ => new List<EpochResult>()).ToArray();
            clock.Restart();
            new FusedTrainer(data, options).Train(plans.Select(p => new FusedLane(p)).ToArray(), new Collect(fused), CancellationToken.None);
            double together = clock.Elapsed.TotalSeconds;

            double weights = 0, accuracy = 0;
            for (int cell = 0; cell < plans.Length; cell++)
            {
                for (int e = 0; e < epochs; e++)
                {
                    double w = alone[cell][e].Weights.Values.Zip(fused[cell][e].Weights.Values, (a, b) => Math.Abs(a - b)).Max();
                    double a = Math.Abs(alone[cell][e].ValidationAccuracy - fused[cell][e].ValidationAccuracy);
                    weights = Math.Max(weights, w);
                    accuracy = Math.Max(accuracy, a);
                }
            }

            // Does a cell's result depend on which cells share its group? Train three of them as a group of their own.
            var subset = new[] { 2, 7, 12 };
            var small = subset.Select(_ => new List<EpochResult>()).ToArray();
            new FusedTrainer(data, options).Train(subset.Select(i => new FusedLane(plans[i])).ToArray(), new Collect(small), CancellationToken.None);
            double composition = subset.Select((cell, i) => small[i].Zip(fused[cell], (a, b) =>
                a.Weights.Values.Zip(b.Weights.Values, (x, y) => Math.Abs(x - y)).Max()).Max()).Max();

            string cells = $"16 cells × {epochs} epochs, batch {batch}";
            rows.Add(new BenchRow($"batch {batch}: one cell at a time", unfused, "s", $"{cells}, {device}"));
            rows.Add(new BenchRow($"batch {batch}: fused group of 16", together, "s", cells));
            rows.Add(new BenchRow($"batch {batch}: fused / one at a time", together / unfused, "ratio", "goal for whole sweeps: at most 0.35"));
            rows.Add(new BenchRow($"batch {batch}: largest weight difference", weights, "abs", "fused vs one at a time, any cell, any epoch"));
            rows.Add(new BenchRow($"batch {batch}: group of 3 vs group of 16", composition, "abs",
                "largest weight difference of the same cells trained in a group of 3 and in the group of 16"));
            long estimate = DeviceMemoryEstimate.TrainingBytes(ModelSpec.Default, data.InputFeatures, data.ClassCount, batch, plans.Length,
                evaluationBatchSize: options.EvaluationBatchSize);
            rows.Add(new BenchRow($"batch {batch}: estimated device memory of the group of 16", estimate / (double)(1L << 20), "MiB",
                "what the trainer reserves for it when packing a GPU (the data set and the CUDA context come on top; compare nvidia-smi)"));
            rows.Add(new BenchRow($"batch {batch}: largest validation accuracy difference", accuracy, "share",
                $"one validation image is {1.0 / split.Validation.Length:G3}"));
        }

        return new BenchResult("fused", BenchResult.MachineDescription(), DateTimeOffset.UtcNow, rows);
    }

    /// <summary>Collects each lane's epochs; a diverging lane ends the benchmark, since its figures would mean nothing.</summary>
    private sealed class Collect(List<EpochResult>[] epochs) : IFusedProgress
    {
        public void Epoch(int row, EpochResult result) => epochs[row].Add(result);

        public void Failed(int row, TrainingDivergedException error) => throw error;
    }
}

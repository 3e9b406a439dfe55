using System.Diagnostics;
using GridSearch.Training.Data;
using GridSearch.Training.Trainer;
using TorchSharp;
using static TorchSharp.torch;

namespace GridSearch.Bench;

/// <summary>
/// Decode throughput (images/s, cold: no cache) and training throughput (samples/s) of the GridSearch trainer
/// against a bare TorchSharp loop over the same tensors with the same model, loss and optimiser.
/// </summary>
public static class ThroughputBench
{
    public static BenchResult Run(string dataRoot, int repeats)
    {
        var rows = new List<BenchRow>();
        DatasetLoadResult loaded = null!;
        var decodeTimes = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            loaded = new DatasetLoader(new PreprocessingOptions()).Load(dataRoot);
            decodeTimes.Add(clock.Elapsed.TotalSeconds);
        }

        double decodeBest = decodeTimes.Min();
        rows.Add(new BenchRow("decode (best of runs)", loaded.Dataset.Count / decodeBest, "images/s",
            $"{loaded.Dataset.Count} images in {decodeBest:F2} s, {Environment.ProcessorCount} threads, no cache"));
        rows.Add(new BenchRow("decode (first run, cold)", loaded.Dataset.Count / decodeTimes[0], "images/s"));

        var split = DataSplit.Create(loaded.Dataset.Count, 0);
        using var data = TrainingData.Create(loaded.Dataset, split, CPU);
        foreach (int batch in new[] { 16, 32 })
        {
            // Alternate the two loops and keep each one's best run: this machine is shared and noisy.
            const int epochs = 3;
            var trainer = new ClassifierTrainer(data, new TrainerOptions { Threads = Environment.ProcessorCount });
            double gridsearch = 0, bare = 0;
            for (int r = 0; r < repeats; r++)
            {
                bare = Math.Max(bare, BareLoop(loaded.Dataset, split, batch, epochs));
                trainer.Train(new TrainingPlan(0.001, batch, 1, 0), null, CancellationToken.None); // warm-up
                var results = trainer.Train(new TrainingPlan(0.001, batch, epochs, 0), null, CancellationToken.None);
                gridsearch = Math.Max(gridsearch, split.Train.Length * epochs / results.Sum(e => e.Seconds));
            }

            rows.Add(new BenchRow($"train, batch {batch}: GridSearch trainer", gridsearch, "samples/s", $"best of {repeats}, incl. validation"));
            rows.Add(new BenchRow($"train, batch {batch}: bare TorchSharp loop", bare, "samples/s", $"best of {repeats}"));
            rows.Add(new BenchRow($"train, batch {batch}: bare / GridSearch", bare / gridsearch, "ratio", "goal: at most 1.3"));
        }

        return new BenchResult("throughput", BenchResult.MachineDescription(), DateTimeOffset.UtcNow, rows);
    }

    /// <summary>
    /// The loop a user would write by hand, doing what the seed program does per epoch: shuffled mini-batches with
    /// Linear+Sigmoid, BCE and SGD, then validation accuracy.
    /// </summary>
    private static double BareLoop(DecodedDataset dataset, DataSplit split, int batch, int epochs)
    {
        torch.set_num_threads(Environment.ProcessorCount);
        using var images = dataset.Pixels.clone();
        using var labels = tensor(dataset.Labels.Select(l => (float)l).ToArray(), [dataset.Count, 1]);
        using var trainIndex = tensor(split.Train.Select(i => (long)i).ToArray());
        using var model = nn.Sequential(("flatten", nn.Flatten()), ("linear", nn.Linear(dataset.PixelsPerImage, 1)), ("sigmoid", nn.Sigmoid()));
        using var optimizer = optim.SGD(model.parameters(), 0.001);
        using var loss = nn.BCELoss();
        double seconds = 0;
        for (int epoch = 0; epoch <= epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            using var order = trainIndex.index_select(0, randperm(split.Train.Length));
            for (int start = 0; start < split.Train.Length; start += batch)
            {
                using var rows = order.narrow(0, start, Math.Min(batch, split.Train.Length - start));
                BareTorch.Step(model, optimizer, loss, images, labels, rows);
            }

            using var validation = tensor(split.Validation.Select(i => (long)i).ToArray());
            BareTorch.Accuracy(model, images, labels, validation);

            if (epoch > 0)
            {
                seconds += clock.Elapsed.TotalSeconds; // epoch 0 warms up
            }
        }

        return split.Train.Length * epochs / seconds;
    }
}

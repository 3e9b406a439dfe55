using GridSearch.Training.Data;
using GridSearch.Training.Model;
using GridSearch.Training.Trainer;
using TorchSharp;

namespace GridSearch.Training.Tests;

public sealed class SgdStepTests
{
    [Fact]
    public void Train_OneFullBatchStep_MatchesFloat64Reference()
    {
        const int count = 10, size = 2;
        DecodedDataset dataset = TinyData.Dataset(count, size);
        var split = DataSplit.Create(count, seed: 3);
        using var data = TrainingData.Create(dataset, split, torch.CPU);
        int features = dataset.PixelsPerImage;
        var start = new ModelWeights(Enumerable.Range(0, features + 1).Select(i => (float)(0.01 * Math.Sin(i + 1))).ToArray());
        const double lr = 0.1;
        var plan = new TrainingPlan(lr, BatchSize: split.Train.Length, Epochs: 1, Seed: 0);

        var epoch = Assert.Single(new ClassifierTrainer(data, new TrainerOptions())
            .Train(plan, null, CancellationToken.None, new TrainingCheckpoint(0, start)));

        // Reference: BCE over the whole training split, gradient and update in float64.
        var gradient = new double[features + 1];
        double loss = 0;
        foreach (int index in split.Train)
        {
            byte[] image = dataset.ImageBytes(index);
            double[] x = Enumerable.Range(0, features).Select(f => (image[f] / 255.0 - 0.5) / 0.5).ToArray();
            double z = start.Values[features] + x.Select((value, f) => value * start.Values[f]).Sum();
            double p = 1 / (1 + Math.Exp(-z));
            double y = dataset.Labels[index];
            loss += -(y * Math.Log(p) + (1 - y) * Math.Log(1 - p));
            for (int f = 0; f < features; f++)
            {
                gradient[f] += (p - y) * x[f];
            }

            gradient[features] += p - y;
        }

        int n = split.Train.Length;
        Assert.Equal(loss / n, epoch.TrainLoss, 5);
        for (int f = 0; f <= features; f++)
        {
            double expected = start.Values[f] - lr * gradient[f] / n;
            Assert.True(Math.Abs(expected - epoch.Weights.Values[f]) < 1e-6,
                $"parameter {f}: expected {expected}, got {epoch.Weights.Values[f]}");
        }
    }
}

using System.Diagnostics;
using GridSearch.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace GridSearch.Bench;

/// <summary>
/// The baseline to beat: the seed program's grid search written as a plain C# loop with no orchestration. Decode
/// every image once with ImageSharp (no cache), then for each of the 8 configurations in turn: train with shuffled
/// mini-batches, validate after every epoch, keep the best weights; finally test the winner.
/// </summary>
public static class BareSeedLoop
{
    public static (double Seconds, double DecodeSeconds, double BestValidation, double Test) Run(string dataRoot)
    {
        var clock = Stopwatch.StartNew();
        torch.set_num_threads(Environment.ProcessorCount);
        var dataset = new DatasetLoader(new PreprocessingOptions()).Load(dataRoot).Dataset;
        double decodeSeconds = clock.Elapsed.TotalSeconds;
        var split = DataSplit.Create(dataset.Count, 0);
        using var images = dataset.Pixels.clone();
        using var labels = tensor(dataset.Labels.Select(l => (float)l).ToArray(), [dataset.Count, 1]);
        using var train = tensor(split.Train.Select(i => (long)i).ToArray());
        using var validation = tensor(split.Validation.Select(i => (long)i).ToArray());
        using var test = tensor(split.Test.Select(i => (long)i).ToArray());
        double best = -1;
        Tensor? bestWeight = null, bestBias = null;
        foreach (double lr in new[] { 0.01, 0.001 })
        {
            foreach (int batch in new[] { 16, 32 })
            {
                foreach (int epochs in new[] { 5, 10 })
                {
                    torch.manual_seed(0);
                    using var model = nn.Sequential(("flatten", nn.Flatten()), ("linear", nn.Linear(dataset.PixelsPerImage, 1)), ("sigmoid", nn.Sigmoid()));
                    using var optimizer = optim.SGD(model.parameters(), lr);
                    using var loss = nn.BCELoss();
                    for (int epoch = 0; epoch < epochs; epoch++)
                    {
                        using var order = train.index_select(0, randperm(split.Train.Length));
                        for (int start = 0; start < split.Train.Length; start += batch)
                        {
                            using var rows = order.narrow(0, start, Math.Min(batch, split.Train.Length - start));
                            BareTorch.Step(model, optimizer, loss, images, labels, rows);
                        }

                        double accuracy = BareTorch.Accuracy(model, images, labels, validation);
                        if (accuracy > best)
                        {
                            best = accuracy;
                            bestWeight?.Dispose();
                            bestBias?.Dispose();
                            var linear = (TorchSharp.Modules.Linear)model[1];
                            bestWeight = linear.weight!.detach().clone();
                            bestBias = linear.bias!.detach().clone();
                        }
                    }
                }
            }
        }

        using var winner = nn.Sequential(("flatten", nn.Flatten()), ("linear", nn.Linear(dataset.PixelsPerImage, 1)), ("sigmoid", nn.Sigmoid()));
        using (no_grad())
        {
            var linear = (TorchSharp.Modules.Linear)winner[1];
            linear.weight!.copy_(bestWeight!);
            linear.bias!.copy_(bestBias!);
        }

        double testAccuracy = BareTorch.Accuracy(winner, images, labels, test);
        return (clock.Elapsed.TotalSeconds, decodeSeconds, best, testAccuracy);
    }
}

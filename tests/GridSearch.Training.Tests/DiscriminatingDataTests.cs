using GridSearch.TestSupport;
using GridSearch.Training.Data;
using GridSearch.Training.Trainer;
using TorchSharp;

namespace GridSearch.Training.Tests;

/// <summary>
/// Guards the shared data set the end-to-end fault tests compare on: if it became too easy (every cell at 1.0) or
/// unlearnable (every cell at chance), "same winner" and "same accuracy" after a crash would again prove little.
/// Trains the grid those tests use (lr 0.05 and 0.01, batch 8, three epochs, seed 5) with the baseline's model.
/// </summary>
public sealed class DiscriminatingDataTests(ITestOutputHelper output)
{
    public static TheoryData<int> ClassCounts => [2, 3];

    [Theory]
    [MemberData(nameof(ClassCounts))]
    public void SeedModel_OnTheSharedSet_LearnsAboveChanceButNeverPerfectly_AndCellsDiffer(int classes)
    {
        string root = classes == 2 ? DiscriminatingData.Root : DiscriminatingData.ThreeClassRoot;
        using var dataset = new DatasetLoader(new PreprocessingOptions()).Load(root).Dataset;
        var split = DataSplit.Create(dataset.Count, 5);
        Assert.Equal(DiscriminatingData.Images, dataset.Count);
        Assert.Equal(classes, dataset.Classes.Count);
        Assert.True(split.Validation.Length >= 64, $"validation holds {split.Validation.Length} images");
        Assert.True(split.Test.Length >= 64, $"test holds {split.Test.Length} images");

        using var data = TrainingData.Create(dataset, split, torch.CPU);
        var trainer = new ClassifierTrainer(data, new TrainerOptions { Threads = 1 });
        var validation = new List<double>();
        var test = new List<double>();
        foreach (double lr in new[] { 0.05, 0.01 })
        {
            foreach (var epoch in trainer.Train(new TrainingPlan(lr, 8, 3, 5), null, CancellationToken.None))
            {
                validation.Add(epoch.ValidationAccuracy);
                test.Add(trainer.Evaluate(epoch.Weights, SplitPart.Test));
            }
        }

        output.WriteLine($"{classes} classes: validation {string.Join(", ", validation.Select(a => $"{a:F3}"))}; " +
                         $"test {string.Join(", ", test.Select(a => $"{a:F3}"))}");
        double chance = 1.0 / classes;
        Assert.True(validation.Max() >= chance + 0.1, $"best validation accuracy {validation.Max():F3} is near chance ({chance:F3})");
        Assert.True(test.Max() >= chance + 0.1, $"best test accuracy {test.Max():F3} is near chance ({chance:F3})");
        Assert.All(validation.Concat(test), accuracy => Assert.True(accuracy <= 0.95, $"accuracy {accuracy:F3}: the set is too easy"));
        Assert.True(validation.Distinct().Count() >= 3, "the cells' epochs should end with different validation accuracies");
    }
}

using System.Diagnostics;
using System.Text.Json;
using GridSearch.Abstractions;
using GridSearch.Client.Data;
using GridSearch.Client.Output;
using GridSearch.Training.Data;
using GridSearch.Training.Runtime;
using GridSearch.Training.Trainer;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GridSearch.Client.Commands;

/// <summary>
/// <c>gridsearch train</c>: trains one configuration in this process, with no cluster, and reports every epoch,
/// the best one and its test accuracy. The debugging aid for a single grid cell.
/// </summary>
public sealed class TrainCommand : AsyncCommand<TrainSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, TrainSettings settings,
        CancellationToken cancellationToken)
    {
        var output = CliOutput.For(settings.Json);
        var plan = new TrainingPlan(settings.ParsedLearningRate, settings.BatchSize, settings.Epochs, settings.Seed)
        {
            Momentum = settings.Momentum, WeightDecay = settings.WeightDecay, Optimizer = settings.Optimizer,
        };
        // Problems that do not depend on the data are reported before any image is decoded, in the words sweeps use.
        var early = ParameterCatalog.Problems(new Dictionary<string, ParameterValue>
        {
            [ParameterCatalog.LearningRate] = ParameterValue.Of(plan.LearningRate),
            [ParameterCatalog.BatchSize] = ParameterValue.Of(plan.BatchSize),
            [ParameterCatalog.Epochs] = ParameterValue.Of(plan.Epochs),
            [ParameterCatalog.Momentum] = ParameterValue.Of(plan.Momentum),
            [ParameterCatalog.WeightDecay] = ParameterValue.Of(plan.WeightDecay),
            [ParameterCatalog.Optimizer] = ParameterValue.Of(plan.Optimizer),
        });
        if (early.Count > 0)
        {
            throw new UserInputException(ProblemList.Sentence("Invalid configuration", early));
        }

        DatasetLoadResult loaded = DatasetPreparation.Load(DatasetPreparation.ResolveRoot(settings, output),
            settings.Preprocessing(), output);
        var split = DataSplit.Create(loaded.Dataset.Count, settings.Seed);
        var problems = plan.Problems(split.Train.Length);
        if (problems.Count > 0)
        {
            throw new UserInputException(ProblemList.Sentence("Invalid configuration", problems));
        }

        var device = TorchDevices.Resolve(settings.Device);
        using var data = TrainingData.Create(loaded.Dataset, split, device);
        var trainer = new ClassifierTrainer(data, new TrainerOptions { Threads = settings.Threads });
        output.Human.WriteLine(
            $"Training {plan.Describe()} epochs={plan.Epochs} seed={plan.Seed} on {device.type} " +
            $"(train {split.Train.Length}, val {split.Validation.Length}, test {split.Test.Length})");

        var clock = Stopwatch.StartNew();
        var epochs = await Task.Factory.StartNew(
            () => trainer.Train(plan, epoch => output.Human.WriteLine(
                $"  epoch {epoch.Epoch}/{plan.Epochs}  loss {epoch.TrainLoss:F4}  val acc {epoch.ValidationAccuracy:F4}  " +
                $"{epoch.Seconds:F2} s  {epoch.SamplesPerSecond:F0} samples/s"), cancellationToken),
            cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        double trainSeconds = clock.Elapsed.TotalSeconds;

        // Earliest epoch wins ties, so a longer run never displaces an equally good shorter one.
        EpochResult best = epochs.Aggregate((a, b) => b.ValidationAccuracy > a.ValidationAccuracy ? b : a);
        double testAccuracy = await Task.Factory.StartNew(() => trainer.Evaluate(best.Weights, SplitPart.Test),
            cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var result = new TrainResult(plan.LearningRate, plan.BatchSize, plan.Epochs, plan.Seed,
            epochs.Select(e => e.TrainLoss).ToArray(), epochs.Select(e => e.ValidationAccuracy).ToArray(),
            best.Epoch, best.ValidationAccuracy, testAccuracy,
            new TrainTimings(ProcessClock.SecondsSinceStart(), loaded.DecodeSeconds, trainSeconds));
        if (settings.Json)
        {
            await output.Data.WriteLineAsync(JsonSerializer.Serialize(result, Json.Options));
        }
        else
        {
            output.Human.WriteLine(
                $"Best epoch {best.Epoch}: val acc {best.ValidationAccuracy:F4}, test acc {testAccuracy:F4} " +
                $"({result.Timings.TotalSeconds:F1} s in all, {loaded.DecodeSeconds:F1} s loading, {trainSeconds:F1} s training)");
        }

        return ExitCodes.Completed;
    }
}

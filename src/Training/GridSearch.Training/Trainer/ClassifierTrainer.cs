using System.Diagnostics;
using GridSearch.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace GridSearch.Training.Trainer;

/// <summary>
/// Trains the data set's classifier (<see cref="Classifiers"/>: the baseline's logistic model for two classes) on shared
/// <see cref="TrainingData"/>: the plan's optimizer on shuffled mini-batches, mean batch loss per epoch, validation
/// accuracy of the model's predictions. It is synchronous and thread-affine (dispose
/// scopes and thread settings are per thread): callers run it on a dedicated thread, receive each epoch through a
/// callback and stop it with a cancellation token, which is checked between batches.
/// </summary>
public sealed class ClassifierTrainer(TrainingData data, TrainerOptions options)
{
    /// <param name="onBatch">Called after each batch with (epoch, batch number, samples in the batch).</param>
    public IReadOnlyList<EpochResult> Train(TrainingPlan plan, Action<EpochResult>? onEpoch,
        CancellationToken cancellation, TrainingCheckpoint? resumeFrom = null, Action<int, int, int>? onBatch = null)
    {
        IReadOnlyList<string> problems = plan.Problems(data.Split.Train.Length);
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid training plan: " + string.Join("; ", problems) + ".");
        }

        ApplyThreadSettings();
        using var model = CreateModel(plan, resumeFrom?.Weights);
        using var optimizer = OptimizerFactory.Create(model.parameters(), plan);
        if (resumeFrom?.OptimizerState is { } state)
        {
            optimizer.Restore(state);
        }

        var results = new List<EpochResult>();
        for (int epoch = (resumeFrom?.CompletedEpochs ?? 0) + 1; epoch <= plan.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            double trainLoss = TrainEpoch(model, optimizer, plan, epoch, onBatch, cancellation);
            var validation = Score(model, SplitPart.Validation);
            double seconds = clock.Elapsed.TotalSeconds;
            var weights = model.GetWeights();
            ThrowIfDiverged(weights, plan, epoch);
            var result = new EpochResult(epoch, trainLoss, validation.Accuracy, seconds,
                data.Split.Train.Length / Math.Max(seconds, 1e-9), weights,
                plan.OptimizerHasState ? optimizer.Save() : null)
            {
                ValidationClassAccuracy = validation.PerClass,
            };
            results.Add(result);
            onEpoch?.Invoke(result);
        }

        return results;
    }

    /// <summary>
    /// A finite loss does not prove finite weights (BCE clamps its log, so inf weights can still give a finite loss):
    /// weights that are not all finite end the run as diverged, so they never become a checkpoint or a winner.
    /// </summary>
    private static void ThrowIfDiverged(ModelWeights weights, TrainingPlan plan, int epoch)
    {
        int bad = Array.FindIndex(weights.Values, v => !float.IsFinite(v));
        if (bad >= 0)
        {
            throw new TrainingDivergedException(
                $"The weights became {weights.Values[bad]} after epoch {epoch} ({plan.Describe()}); try a smaller learning rate.");
        }
    }

    /// <summary>Accuracy of the given weights (of a model of the given spec) on one split, e.g. the winner's test accuracy.</summary>
    public double Evaluate(ModelWeights weights, SplitPart part, ModelSpec? spec = null)
    {
        ApplyThreadSettings();
        using var model = Classifiers.Create(data.InputFeatures, data.ClassCount, data.Device, spec);
        model.SetWeights(weights);
        return Score(model, part).Accuracy;
    }

    /// <summary>
    /// The confusion matrix of the given weights on one split: counts[true class × C + predicted class], row by row
    /// (the winner's on the test split goes to results.json).
    /// </summary>
    public long[] Confusion(ModelWeights weights, SplitPart part, ModelSpec? spec = null)
    {
        ApplyThreadSettings();
        using var model = Classifiers.Create(data.InputFeatures, data.ClassCount, data.Device, spec);
        model.SetWeights(weights);
        model.eval();
        using var _ = no_grad();
        int classes = data.ClassCount;
        var counts = new long[classes * classes];
        Tensor index = data.IndexOf(part);
        long count = index.shape[0];
        for (long start = 0; start < count; start += options.EvaluationBatchSize)
        {
            using var scope = NewDisposeScope();
            var indices = index.narrow(0, start, Math.Min(options.EvaluationBatchSize, count - start));
            var predicted = model.Predict(model.forward(data.NormalisedImages(indices)));
            using var rowLength = classes.ToScalar(); // disposed after use, not left to the finaliser (see Scalars)
            var cells = data.ClassIndices.index_select(0, indices).mul(rowLength).add(predicted);
            Add(counts, cells.bincount(null, classes * classes));
        }

        return counts;
    }

    private ClassifierModel CreateModel(TrainingPlan plan, ModelWeights? start)
    {
        long seed = plan.Seed;
        var model = Classifiers.Create(data.InputFeatures, data.ClassCount, data.Device, plan.Model);
        if (start is not null)
        {
            model.SetWeights(start);
        }
        else
        {
            using var generator = new Generator(SeedStreams.InitialWeights(seed));
            model.Initialise(generator);
        }

        return model;
    }

    private double TrainEpoch(ClassifierModel model, TrainingOptimizer optimizer, TrainingPlan plan, int epoch,
        Action<int, int, int>? onBatch, CancellationToken cancellation)
    {
        model.train();
        using var dropout = new Generator(SeedStreams.Dropout(plan.Seed, epoch));
        if (model is IDropoutModel withDropout)
        {
            withDropout.DropoutGenerator = dropout;
        }

        using var order = data.ShuffledTrainIndices(plan.Seed, epoch);
        int count = data.Split.Train.Length;
        int batches = 0;
        double total = 0;
        for (int start = 0; start < count; start += plan.BatchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var indices = order.narrow(0, start, Math.Min(plan.BatchSize, count - start));
            var images = data.NormalisedImages(indices);
            var output = model.forward(images);
            Tensor batchLoss;
            try
            {
                batchLoss = model.Loss(output, model.Targets(data, indices));
            }
            catch (System.Runtime.InteropServices.ExternalException) when (output.isnan().any().item<bool>())
            {
                // BCE refuses NaN probabilities outright (weights that overflowed): that is divergence, said as such.
                throw new TrainingDivergedException(
                    $"The model's outputs became NaN in epoch {epoch}, batch {batches + 1} ({plan.Describe()}); try a smaller learning rate.");
            }

            optimizer.ZeroGrad();
            batchLoss.backward();
            optimizer.Step();
            float value = batchLoss.item<float>();
            if (!float.IsFinite(value))
            {
                throw new TrainingDivergedException(
                    $"Training loss became {value} in epoch {epoch}, batch {batches + 1} ({plan.Describe()}); try a smaller learning rate.");
            }

            total += value;
            batches++;
            onBatch?.Invoke(epoch, batches, (int)indices.shape[0]);
        }

        return total / batches;
    }

    /// <summary>
    /// The share of one split the model classifies correctly, overall and per class (NaN for a class with no image in
    /// the split; NaN overall for an empty split).
    /// </summary>
    private (double Accuracy, double[] PerClass) Score(ClassifierModel model, SplitPart part)
    {
        model.eval();
        using var _ = no_grad();
        Tensor index = data.IndexOf(part);
        long count = index.shape[0];
        int classes = data.ClassCount;
        if (count == 0)
        {
            return (double.NaN, Enumerable.Repeat(double.NaN, classes).ToArray());
        }

        Tensor? images = data.EvaluationImages(part);
        var correct = new long[classes];
        var seen = new long[classes];
        for (long start = 0; start < count; start += options.EvaluationBatchSize)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(options.EvaluationBatchSize, count - start);
            var indices = index.narrow(0, start, length);
            var batch = images is null ? data.NormalisedImages(indices) : images.narrow(0, start, length);
            var truth = data.ClassIndices.index_select(0, indices);
            var hits = model.Predict(model.forward(batch)).eq(truth);
            // Per class: how many of its images the batch holds, and how many of those were right.
            Add(correct, truth.masked_select(hits).bincount(null, classes));
            Add(seen, truth.bincount(null, classes));
        }

        double[] perClass = Enumerable.Range(0, classes).Select(c => seen[c] == 0 ? double.NaN : (double)correct[c] / seen[c]).ToArray();
        return ((double)correct.Sum() / count, perClass);
    }

    private static void Add(long[] totals, Tensor counts)
    {
        var values = counts.cpu().data<long>().ToArray();
        for (int i = 0; i < totals.Length; i++)
        {
            totals[i] += values[i];
        }
    }

    private void ApplyThreadSettings()
    {
        if (options.Threads > 0)
        {
            set_num_threads(options.Threads);
        }
    }
}

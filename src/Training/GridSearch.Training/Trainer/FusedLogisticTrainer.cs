using System.Diagnostics;
using GridSearch.Training.Model;
using static TorchSharp.torch;

namespace GridSearch.Training.Trainer;

/// <summary>
/// Trains several cells of the seed's binary logistic model in one pass over the data (horizontal fusion): cells that
/// share the batch size and the seed see the same batches in the same order and start from the same weights, so their
/// K weight vectors are stacked into one [K, F] matrix and every step is one matrix–matrix product instead of K
/// matrix–vector products, with one batch gathered and normalised for all. Each cell keeps its own learning rate,
/// momentum and weight decay (SGD as PyTorch's, applied row by row), its own loss, epochs, validation accuracy and
/// weights; a cell whose loss or weights stop being finite leaves the group and the others go on undisturbed.
/// Results equal <see cref="ClassifierTrainer"/>'s up to float rounding (a wider product sums in another order).
/// </summary>
public sealed class FusedLogisticTrainer(TrainingData data, TrainerOptions options)
{
    /// <summary>Why these plans cannot train as one group, or null when they can.</summary>
    public static string? WhyNotFusable(IReadOnlyList<TrainingPlan> plans, int classes)
    {
        if (plans.Count == 0)
        {
            return "a group needs at least one cell";
        }

        var first = plans[0];
        if (classes != 2)
        {
            return $"fused training covers the binary logistic model; this data set has {classes} classes";
        }

        return plans.FirstOrDefault(p => p.Model != ModelSpec.Default) is { } model
            ? $"fused training covers the logistic model, not {model.Model}"
            : plans.FirstOrDefault(p => p.Optimizer != "sgd") is { } adam
                ? $"fused training covers SGD, not {adam.Optimizer}"
                : plans.FirstOrDefault(p => p.BatchSize != first.BatchSize || p.Seed != first.Seed) is { } other
                    ? $"cells of one group share batch size and seed ({first.Describe()} and {other.Describe()} do not)"
                    : null;
    }

    /// <param name="onEpoch">Called with (cell index in <paramref name="plans"/>, its epoch) after each epoch of each cell still in the group.</param>
    /// <param name="onFailed">Called once for a cell that left the group because it diverged.</param>
    /// <param name="from">Where the group resumes (every cell after the same epoch); null to start from the seed's weights.</param>
    public void Train(IReadOnlyList<TrainingPlan> plans, Action<int, EpochResult> onEpoch, Action<int, TrainingDivergedException> onFailed,
        CancellationToken cancellation, FusedStart? from = null)
    {
        if (WhyNotFusable(plans, data.ClassCount) is { } reason)
        {
            throw new ArgumentException(reason, nameof(plans));
        }

        var problems = plans.SelectMany(p => p.Problems(data.Split.Train.Length)).Distinct().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid training plan: " + string.Join("; ", problems) + ".");
        }

        if (options.Threads > 0)
        {
            set_num_threads(options.Threads);
        }

        using var group = FusedGroup.Start(data, plans, from);
        int first = (from?.CompletedEpochs ?? 0) + 1;
        // Cells already past their last epoch have nothing left to train.
        group.Keep(row => plans[group.Cells[row]].Epochs >= first);
        int lastEpoch = plans.Max(p => p.Epochs);
        for (int epoch = first; epoch <= lastEpoch && group.Count > 0; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var losses = TrainEpoch(group, plans[0], epoch, cancellation, onFailed);
            var accuracy = ValidationAccuracy(group);
            double seconds = clock.Elapsed.TotalSeconds;
            for (int row = 0; row < group.Count; row++)
            {
                int cell = group.Cells[row];
                if (group.IsDiverged(row))
                {
                    continue; // reported when its loss stopped being finite
                }

                var weights = group.WeightsOf(row);
                if (Array.FindIndex(weights.Values, v => !float.IsFinite(v)) is var bad and >= 0)
                {
                    group.MarkDiverged(row);
                    onFailed(cell, new TrainingDivergedException(
                        $"The weights became {weights.Values[bad]} after epoch {epoch} ({plans[cell].Describe()}); try a smaller learning rate."));
                    continue;
                }

                onEpoch(cell, new EpochResult(epoch, losses[row], accuracy[row], seconds,
                    group.Count * data.Split.Train.Length / Math.Max(seconds, 1e-9), weights)
                {
                    FusedMomentum = group.MomentumOf(row),
                });
            }

            // Cells whose last epoch this was, and diverged ones, leave; the rest go on as a smaller group.
            group.Keep(row => !group.IsDiverged(row) && plans[group.Cells[row]].Epochs > epoch);
        }
    }

    private double[] TrainEpoch(FusedGroup group, TrainingPlan shared, int epoch, CancellationToken cancellation,
        Action<int, TrainingDivergedException> onFailed)
    {
        using var order = data.ShuffledTrainIndices(shared.Seed, epoch);
        int count = data.Split.Train.Length;
        var totals = new double[group.Count];
        int batches = 0;
        for (int start = 0; start < count; start += shared.BatchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var indices = order.narrow(0, start, Math.Min(shared.BatchSize, count - start));
            var images = data.NormalisedImages(indices).flatten(1);
            var targets = data.Labels.index_select(0, indices).expand(-1, group.Count);
            // [B, F] × [F, K] + [K]: every cell's outputs for the batch at once; one BCE per column.
            var probabilities = nn.functional.sigmoid(nn.functional.linear(images, group.Weight, group.Bias));
            // A cell whose weights overflowed gives NaN probabilities, which BCE refuses for the whole batch: it leaves
            // the group (reported here), and its column is neutralised so the others' step goes on unchanged.
            var nan = probabilities.isnan().any(0).cpu().data<bool>().ToArray();
            if (nan.Any(n => n))
            {
                for (int row = 0; row < nan.Length; row++)
                {
                    if (nan[row] && !group.IsDiverged(row))
                    {
                        group.MarkDiverged(row);
                        onFailed(group.Cells[row], new TrainingDivergedException(
                            $"The model's outputs became NaN in epoch {epoch}, batch {batches + 1} ({group.Plans[row].Describe()}); try a smaller learning rate."));
                    }
                }

                probabilities = probabilities.nan_to_num(0.5);
            }

            var perCell = nn.functional.binary_cross_entropy(probabilities, targets, reduction: nn.Reduction.None).mean([0]);
            group.ZeroGrad();
            // The cells' parameters are disjoint rows, so the gradient of the sum is each cell's own gradient.
            perCell.sum().backward();
            group.Step();
            var values = perCell.detach().cpu().data<float>().ToArray();
            for (int row = 0; row < values.Length; row++)
            {
                if (!float.IsFinite(values[row]) && !group.IsDiverged(row))
                {
                    group.MarkDiverged(row);
                    onFailed(group.Cells[row], new TrainingDivergedException(
                        $"Training loss became {values[row]} in epoch {epoch}, batch {batches + 1} ({group.Plans[row].Describe()}); try a smaller learning rate."));
                }

                totals[row] += values[row];
            }

            batches++;
        }

        return totals.Select(t => t / batches).ToArray();
    }

    private double[] ValidationAccuracy(FusedGroup group)
    {
        using var _ = no_grad();
        Tensor index = data.IndexOf(SplitPart.Validation);
        long count = index.shape[0];
        if (count == 0)
        {
            return Enumerable.Repeat(double.NaN, group.Count).ToArray();
        }

        Tensor? images = data.EvaluationImages(SplitPart.Validation);
        var correct = new long[group.Count];
        for (long start = 0; start < count; start += options.EvaluationBatchSize)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(options.EvaluationBatchSize, count - start);
            var indices = index.narrow(0, start, length);
            var batch = (images is null ? data.NormalisedImages(indices) : images.narrow(0, start, length)).flatten(1);
            var predicted = nn.functional.sigmoid(nn.functional.linear(batch, group.Weight, group.Bias)).gt(Scalars.Threshold).to(ScalarType.Int64);
            var hits = predicted.eq(data.ClassIndices.index_select(0, indices).unsqueeze(1)).sum([0]).cpu().data<long>().ToArray();
            for (int row = 0; row < hits.Length; row++)
            {
                correct[row] += hits[row];
            }
        }

        return correct.Select(c => (double)c / count).ToArray();
    }
}

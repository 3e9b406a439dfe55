using System.Diagnostics;
using GridSearch.Training.Model;
using static TorchSharp.torch;

namespace GridSearch.Training.Trainer;

/// <summary>
/// Trains several cells of one model (the logistic model: the baseline's on two classes, softmax regression on more; or
/// an MLP of one architecture) in one pass over the data (horizontal fusion): cells that share the batch size and the
/// seed see the same batches in the same order and start from the same weights, so their weights are stacked and every
/// step is one matrix–matrix product (and, for the MLP's later layers, one batched product) instead of one per cell,
/// with one batch gathered and normalised and one dropout mask drawn for all (<see cref="FusedForward"/>). Each cell keeps its own learning rate,
/// momentum and weight decay (SGD as PyTorch's, applied row by row), its own loss, epochs, validation accuracy and
/// weights; a cell whose loss or weights stop being finite leaves the group and the others go on undisturbed.
/// Results equal <see cref="ClassifierTrainer"/>'s up to float rounding (a wider product sums in another order).
/// </summary>
public sealed class FusedTrainer(TrainingData data, TrainerOptions options)
{
    /// <summary>Why these plans cannot train as one group, or null when they can.</summary>
    public static string? WhyNotFusable(IReadOnlyList<TrainingPlan> plans, int classes)
    {
        if (plans.Count == 0)
        {
            return "a group needs at least one cell";
        }

        var first = plans[0];
        if (classes < 2)
        {
            return $"a classifier needs at least two classes; this data set has {classes}";
        }

        return plans.FirstOrDefault(p => p.Model.Name is not (ModelSpec.Logistic or ModelSpec.Mlp)) is { } model
            ? $"fused training covers the logistic and mlp models, not {model.Model}"
            : plans.FirstOrDefault(p => p.Optimizer != Optimizers.Sgd) is { } adam
                ? $"fused training covers SGD, not {adam.Optimizer}"
                : plans.FirstOrDefault(p => p.BatchSize != first.BatchSize || p.Seed != first.Seed || p.Model != first.Model) is { } other
                    ? $"cells of one group share batch size, seed and model ({first.Describe()} and {other.Describe()} do not)"
                    : null;
    }

    /// <summary>
    /// Trains the lanes of one group together, each from its own start to its own last epoch; rows without a lane
    /// (null) keep the group at its width. An epoch trains the lanes whose start lies before it and whose last epoch
    /// is not before it, and which <see cref="IFusedProgress.Wanted"/> still wants.
    /// </summary>
    public void Train(IReadOnlyList<FusedLane?> rows, IFusedProgress progress, CancellationToken cancellation)
    {
        var plans = rows.Where(r => r is not null).Select(r => r!.Plan).ToList();
        if (WhyNotFusable(plans, data.ClassCount) is { } reason)
        {
            throw new ArgumentException(reason, nameof(rows));
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

        using var group = FusedGroup.Start(data, rows);
        var diverged = new bool[rows.Count];
        bool Trains(int row, int epoch) => rows[row] is { } lane && !diverged[row]
                                          && lane.StartEpoch < epoch && epoch <= lane.Plan.Epochs && progress.Wanted(row);

        var live = rows.Where(r => r is not null && r.StartEpoch < r.Plan.Epochs).ToList();
        if (live.Count == 0)
        {
            return;
        }

        for (int epoch = live.Min(r => r!.StartEpoch) + 1; epoch <= live.Max(r => r!.Plan.Epochs); epoch++)
        {
            var clock = Stopwatch.StartNew();
            var losses = TrainEpoch(group, rows, plans[0], epoch, row => Trains(row, epoch), diverged, progress, cancellation);
            var trained = Enumerable.Range(0, rows.Count).Where(row => losses[row] is not null && !diverged[row]).ToList();
            if (trained.Count == 0)
            {
                continue;
            }

            var validation = Validation(group, plans[0].Model);
            // The epoch's time is shared by the lanes that trained in it: each reports its share, so the lanes'
            // seconds add up to the group's.
            double seconds = clock.Elapsed.TotalSeconds / trained.Count;
            foreach (int row in trained)
            {
                var weights = group.WeightsOf(row);
                if (Array.FindIndex(weights.Values, v => !float.IsFinite(v)) is var bad and >= 0)
                {
                    Diverge(group, diverged, progress, row, new TrainingDivergedException(
                        $"The weights became {weights.Values[bad]} after epoch {epoch} ({rows[row]!.Plan.Describe()}); try a smaller learning rate."));
                    continue;
                }

                progress.Epoch(row, new EpochResult(epoch, losses[row]!.Value, validation.Accuracy[row], seconds,
                    data.Split.Train.Length / Math.Max(seconds, 1e-9), weights)
                {
                    ValidationClassAccuracy = validation.PerClass[row],
                    FusedMomentum = group.MomentumOf(row),
                });
            }
        }
    }

    private static void Diverge(FusedGroup group, bool[] diverged, IFusedProgress progress, int row, TrainingDivergedException error)
    {
        diverged[row] = true;
        group.Retire(row);
        progress.Failed(row, error);
    }

    /// <summary>One epoch over the shared batches; each row's mean batch loss, null for rows that did not train to its end.</summary>
    private double?[] TrainEpoch(FusedGroup group, IReadOnlyList<FusedLane?> rows, TrainingPlan shared, int epoch, Func<int, bool> trains, bool[] diverged,
        IFusedProgress progress, CancellationToken cancellation)
    {
        using var order = data.ShuffledTrainIndices(shared.Seed, epoch);
        // The unfused run's dropout stream for this epoch: every lane draws the masks its run alone would.
        using var dropout = new Generator(SeedStreams.Dropout(shared.Seed, epoch));
        int count = data.Split.Train.Length;
        var totals = new double[group.Width];
        int batches = 0;
        var active = new bool[group.Width];
        bool[]? throughout = null; // rows that trained in every batch of the epoch so far
        bool direct = group.TakesBinaryLogisticSteps(shared.Model);
        for (int start = 0; start < count; start += shared.BatchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            for (int row = 0; row < active.Length; row++)
            {
                active[row] = trains(row);
            }

            throughout ??= active.ToArray();
            group.Activate(active);
            using var scope = NewDisposeScope();
            var indices = order.narrow(0, start, Math.Min(shared.BatchSize, count - start));
            var images = data.NormalisedImages(indices).flatten(1);
            Tensor perLane;
            if (direct)
            {
                using var _ = no_grad();
                var outputs = FusedForward.Outputs(group, images, shared.Model, dropout);
                var (loss, probabilities) = BinaryLossPerLane(group, rows, outputs, indices, epoch, batches + 1, diverged, progress);
                group.StepBinaryLogistic(images, probabilities, data.Labels.index_select(0, indices));
                perLane = loss;
            }
            else
            {
                perLane = LossPerLane(group, rows, FusedForward.Outputs(group, images, shared.Model, dropout), indices, epoch, batches + 1, diverged, progress);
                group.ZeroGrad();
                // The lanes' parameters are disjoint rows, so the gradient of the sum is each lane's own gradient.
                perLane.sum().backward();
                group.Step();
            }

            var values = perLane.detach().cpu().data<float>().ToArray();
            batches++;
            for (int row = 0; row < values.Length; row++)
            {
                if (group.IsActive(row) && !float.IsFinite(values[row]))
                {
                    Diverge(group, diverged, progress, row, new TrainingDivergedException(
                        $"Training loss became {values[row]} in epoch {epoch}, batch {batches} ({rows[row]!.Plan.Describe()}); try a smaller learning rate."));
                }

                throughout[row] &= group.IsActive(row);
                if (throughout[row])
                {
                    totals[row] += values[row];
                    progress.Batch(row, epoch, batches, (int)indices.shape[0]);
                }
            }
        }

        return totals.Select((total, row) => throughout?[row] == true ? total / batches : (double?)null).ToArray();
    }

    /// <summary>
    /// The batch's mean loss of every lane, [K], from every lane's outputs [B, K·O]: for two classes one sigmoid and
    /// BCE per lane (the baseline's), for more a cross-entropy over each lane's C logits.
    /// </summary>
    private Tensor LossPerLane(FusedGroup group, IReadOnlyList<FusedLane?> rows, Tensor outputs, Tensor indices, int epoch, int batch,
        bool[] diverged, IFusedProgress progress)
    {
        if (group.Outputs > 1)
        {
            // A lane whose logits stop being finite gets a non-finite loss, which the caller reports.
            var logits = outputs.view(outputs.shape[0], group.Width, group.Outputs);
            var truth = data.ClassIndices.index_select(0, indices).unsqueeze(1).expand(-1, group.Width).unsqueeze(2);
            return nn.functional.log_softmax(logits, 2).gather(2, truth).squeeze(2).neg().mean([0]);
        }

        return BinaryLossPerLane(group, rows, outputs, indices, epoch, batch, diverged, progress).Loss;
    }

    /// <summary>
    /// Two classes: every lane's sigmoid probabilities [B, K] (NaN where a lane overflowed, which leaves the group, set
    /// to 0.5) and its mean BCE over the batch [K].
    /// </summary>
    private (Tensor Loss, Tensor Probabilities) BinaryLossPerLane(FusedGroup group, IReadOnlyList<FusedLane?> rows, Tensor outputs, Tensor indices,
        int epoch, int batch, bool[] diverged, IFusedProgress progress)
    {
        var probabilities = nn.functional.sigmoid(outputs);
        // A lane whose weights overflowed gives NaN probabilities, which BCE refuses for the whole batch: it leaves the
        // group (reported here), and its column is neutralised so the others' step goes on unchanged.
        var nan = probabilities.isnan().any(0).cpu().data<bool>().ToArray();
        if (nan.Any(n => n))
        {
            for (int row = 0; row < nan.Length; row++)
            {
                if (nan[row] && group.IsActive(row))
                {
                    Diverge(group, diverged, progress, row, new TrainingDivergedException(
                        $"The model's outputs became NaN in epoch {epoch}, batch {batch} ({rows[row]!.Plan.Describe()}); try a smaller learning rate."));
                }
            }

            probabilities = probabilities.nan_to_num(0.5);
        }

        var targets = data.Labels.index_select(0, indices).expand(-1, group.Width);
        return (nn.functional.binary_cross_entropy(probabilities, targets, reduction: nn.Reduction.None).mean([0]), probabilities);
    }

    /// <summary>Every row's validation accuracy, overall and per class (NaN where a split or class has no image).</summary>
    private (double[] Accuracy, double[][] PerClass) Validation(FusedGroup group, ModelSpec model)
    {
        using var _ = no_grad();
        Tensor index = data.IndexOf(SplitPart.Validation);
        long count = index.shape[0];
        int classes = data.ClassCount;
        if (count == 0)
        {
            return (Enumerable.Repeat(double.NaN, group.Width).ToArray(),
                Enumerable.Range(0, group.Width).Select(_ => Enumerable.Repeat(double.NaN, classes).ToArray()).ToArray());
        }

        Tensor? images = data.EvaluationImages(SplitPart.Validation);
        var correct = new double[classes, group.Width];
        var seen = new double[classes];
        for (long start = 0; start < count; start += options.EvaluationBatchSize)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(options.EvaluationBatchSize, count - start);
            var indices = index.narrow(0, start, length);
            var batch = (images is null ? data.NormalisedImages(indices) : images.narrow(0, start, length)).flatten(1);
            var outputs = FusedForward.Outputs(group, batch, model, dropout: null);
            var predicted = group.Outputs > 1
                ? outputs.view(length, group.Width, group.Outputs).argmax(2)
                : nn.functional.sigmoid(outputs).gt(Scalars.Threshold).to(ScalarType.Int64);
            var truth = data.ClassIndices.index_select(0, indices);
            // [C, N] one-hot classes × [N, K] hits: each class's correct images per row, in one product.
            var classOf = nn.functional.one_hot(truth, classes).to(ScalarType.Float32);
            var hits = predicted.eq(truth.unsqueeze(1)).to(ScalarType.Float32);
            var perClass = classOf.t().mm(hits).cpu().data<float>().ToArray();
            var inClass = classOf.sum([0]).cpu().data<float>().ToArray();
            for (int c = 0; c < classes; c++)
            {
                seen[c] += inClass[c];
                for (int row = 0; row < group.Width; row++)
                {
                    correct[c, row] += perClass[c * group.Width + row];
                }
            }
        }

        var accuracy = new double[group.Width];
        var byClass = new double[group.Width][];
        for (int row = 0; row < group.Width; row++)
        {
            accuracy[row] = Enumerable.Range(0, classes).Sum(c => correct[c, row]) / count;
            byClass[row] = Enumerable.Range(0, classes).Select(c => seen[c] == 0 ? double.NaN : correct[c, row] / seen[c]).ToArray();
        }

        return (accuracy, byClass);
    }
}

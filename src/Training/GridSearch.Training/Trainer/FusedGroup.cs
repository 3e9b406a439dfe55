using GridSearch.Training.Model;
using static TorchSharp.torch;

namespace GridSearch.Training.Trainer;

/// <summary>
/// The state of a fused group of logistic lanes: lane k's O output rows (one for two classes, C for softmax regression
/// over C classes) are rows k·O … k·O + O − 1 of <see cref="Weight"/> and the same elements of <see cref="Bias"/>,
/// with its SGD hyperparameters as columns so one update serves every row.
/// </summary>
/// <remarks>
/// The group keeps its width for its whole life: a lane that is not training (finished, stopped, diverged, waiting for
/// its start epoch, or a row without a lane) stays in the matrices and is frozen by its columns (no gradient, rate 0,
/// momentum 1). Its row's numbers then never move, and the other rows see exactly the products they would see with it
/// training: a matrix product's rounding can depend on its shape, never on another row's values. So a lane's numbers
/// depend only on its own start and the group's width, and a lane trained again after a crash, with any other lanes
/// beside it, repeats its uninterrupted run bit for bit.
/// </remarks>
internal sealed class FusedGroup : IDisposable
{
    private readonly TrainingPlan?[] _plans;
    private readonly Device _device;
    private Tensor? _weightMomentum;
    private Tensor? _biasMomentum;
    private bool[] _active;
    private Columns _columns;

    private FusedGroup(Tensor weight, Tensor bias, TrainingPlan?[] plans, int outputs, Device device)
    {
        Weight = weight;
        Bias = bias;
        _plans = plans;
        Outputs = outputs;
        _device = device;
        _active = new bool[plans.Length];
        _columns = Columns.For(plans, _active, outputs, device);
    }

    /// <summary>[K·O, F]: O rows of weights per lane.</summary>
    public Tensor Weight { get; }

    /// <summary>[K·O]: O biases per lane.</summary>
    public Tensor Bias { get; }

    /// <summary>Lanes (rows of the group, used or not).</summary>
    public int Width => _plans.Length;

    /// <summary>Outputs per lane: 1 (the seed's sigmoid) for two classes, C logits for more.</summary>
    public int Outputs { get; }

    public bool IsActive(int row) => _active[row];

    /// <summary>
    /// Every lane starts from the weights an unfused run of the same seed starts from or, resumed, from its own
    /// checkpointed weights and momentum; rows without a lane hold zeros.
    /// </summary>
    public static FusedGroup Start(TrainingData data, IReadOnlyList<FusedLane?> rows)
    {
        int features = data.InputFeatures;
        int outputs = data.ClassCount == 2 ? 1 : data.ClassCount;
        int layout = outputs * (features + 1);
        var plans = rows.Select(r => r?.Plan).ToArray();
        float[]? initial = null;
        float[] InitialWeights()
        {
            if (initial is null)
            {
                // The unfused model's own initialisation from the seed, so every lane starts where its run alone would.
                using var model = Classifiers.Create(features, data.ClassCount, data.Device, ModelSpec.Default);
                using var generator = new Generator(SeedStreams.InitialWeights(rows.First(r => r is not null)!.Plan.Seed));
                model.Initialise(generator);
                initial = model.GetWeights().Values;
            }

            return initial;
        }

        float[] Layout(float[]? values) => values?.Length == layout
            ? values
            : throw new ArgumentException($"A fused lane's weights and momentum need {outputs} × ({features} + 1) values each, not {values?.Length}.");

        var (weight, bias) = Stack(rows.Count, features, outputs, row => rows[row] is { } lane
            ? Layout(lane.From is { } from ? from.Weights.Values : InitialWeights())
            : null, data.Device);
        var group = new FusedGroup(weight.requires_grad_(true), bias.requires_grad_(true), plans, outputs, data.Device);
        if (rows.Any(r => r?.From?.Momentum is not null))
        {
            // Lanes without a buffer yet get zeros: momentum·0 + d is d, PyTorch's first step exactly.
            (group._weightMomentum, group._biasMomentum) = Stack(rows.Count, features, outputs,
                row => rows[row]?.From?.Momentum is { } buffer ? Layout(buffer) : null, data.Device);
        }

        return group;
    }

    /// <summary>
    /// The lanes' values (each in the unfused model's layout: O·F weights row by row, then O biases) as a [K·O, F]
    /// matrix and a [K·O] vector, zeros where a lane has none.
    /// </summary>
    private static (Tensor Weight, Tensor Bias) Stack(int width, int features, int outputs, Func<int, float[]?> laneOf, Device device)
    {
        var weights = new float[width * outputs * features];
        var biases = new float[width * outputs];
        for (int lane = 0; lane < width; lane++)
        {
            if (laneOf(lane) is { } values)
            {
                Array.Copy(values, 0, weights, lane * outputs * features, outputs * features);
                Array.Copy(values, outputs * features, biases, lane * outputs, outputs);
            }
        }

        using var weight = tensor(weights, [width * outputs, features]);
        using var bias = tensor(biases, [width * outputs]);
        return (weight.to(device).contiguous(), bias.to(device).contiguous());
    }

    /// <summary>Makes exactly the given rows train from the next step on; the others are frozen.</summary>
    public void Activate(IReadOnlyList<bool> active)
    {
        if (active.SequenceEqual(_active))
        {
            return;
        }

        _active = active.ToArray();
        _columns.Dispose();
        _columns = Columns.For(_plans, _active, Outputs, _device);
    }

    /// <summary>Lane k's momentum buffer in the layout of its weights, for its checkpoint; null without momentum.</summary>
    public float[]? MomentumOf(int row) =>
        _weightMomentum is null || _biasMomentum is null || _plans[row]?.Momentum is null or 0
            ? null
            : Lane(_weightMomentum, _biasMomentum, row);

    /// <summary>
    /// Drops the gradients, so the next backward writes them afresh instead of adding to zeros: the same values
    /// (0 + g is g), two fewer passes over a [K, F] matrix per step.
    /// </summary>
    public void ZeroGrad()
    {
        Weight.grad?.Dispose();
        Weight.grad = null;
        Bias.grad?.Dispose();
        Bias.grad = null;
    }

    /// <summary>
    /// One SGD step per row, as PyTorch's SGD takes it: d = g + wd·p; buf = m·buf + d (buf = d at first); p −= lr·buf.
    /// A frozen row has d = 0, m = 1 and lr = 0, which leaves its weights and buffer exactly as they were.
    /// </summary>
    public void Step()
    {
        using var _ = no_grad();
        _weightMomentum = StepOne(Weight, _weightMomentum, _columns.Active, _columns.NegatedLearningRates, _columns.Momenta, _columns.WeightDecays);
        _biasMomentum = StepOne(Bias, _biasMomentum, _columns.ActiveFlat, _columns.NegatedLearningRatesFlat, _columns.MomentaFlat, _columns.WeightDecaysFlat);
    }

    private bool HasMomentum => _plans.Any(p => p is { Momentum: not 0 });

    private bool HasWeightDecay => _plans.Any(p => p is { WeightDecay: not 0 });

    private Tensor? StepOne(Tensor parameter, Tensor? buffer, Tensor active, Tensor negatedLr, Tensor momenta, Tensor decays)
    {
        using var scope = NewDisposeScope();
        // Every row training (the usual case): the mask is all ones and g·1 is g, so it is skipped.
        var step = _active.All(a => a) ? parameter.grad! : parameter.grad!.mul(active);
        if (HasWeightDecay)
        {
            step = step.add(parameter.detach().mul(decays));
        }

        if (HasMomentum)
        {
            if (buffer is null)
            {
                buffer = step.clone().DetachFromDisposeScope();
            }
            else
            {
                buffer.mul_(momenta).add_(step);
            }

            step = buffer;
        }

        // The gradient is dropped after the step anyway, so it may hold −lr·g; the momentum buffer must not.
        parameter.add_(ReferenceEquals(step, buffer) ? step.mul(negatedLr) : step.mul_(negatedLr));
        return buffer;
    }

    /// <summary>
    /// Freezes a diverged row for good and zeroes it (weights and buffer), so its non-finite values never reach a
    /// product again: 0 · inf would be NaN even in a frozen row's update.
    /// </summary>
    public void Retire(int row)
    {
        using (no_grad())
        {
            Weight.narrow(0, row * Outputs, Outputs).zero_();
            Bias.narrow(0, row * Outputs, Outputs).zero_();
            _weightMomentum?.narrow(0, row * Outputs, Outputs).zero_();
            _biasMomentum?.narrow(0, row * Outputs, Outputs).zero_();
        }

        var active = _active.ToArray();
        active[row] = false;
        Activate(active);
    }

    /// <summary>Lane k's weights in the unfused model's layout: its O·F weights row by row, then its O biases.</summary>
    public ModelWeights WeightsOf(int row) => new(Lane(Weight, Bias, row));

    /// <summary>Lane k's rows of a [K·O, F] matrix and its elements of a [K·O] vector, in one lane's layout.</summary>
    private float[] Lane(Tensor matrix, Tensor vector, int row)
    {
        using var values = matrix.narrow(0, row * Outputs, Outputs).detach().cpu().contiguous();
        using var last = vector.narrow(0, row * Outputs, Outputs).detach().cpu().contiguous();
        var result = new float[values.NumberOfElements + Outputs];
        values.data<float>().CopyTo(result, 0);
        last.data<float>().CopyTo(result, (int)values.NumberOfElements);
        return result;
    }

    public void Dispose()
    {
        Weight.Dispose();
        Bias.Dispose();
        _weightMomentum?.Dispose();
        _biasMomentum?.Dispose();
        _columns.Dispose();
    }

    /// <summary>
    /// The rows' SGD hyperparameters as [K, 1] columns (they scale row k of a [K, F] tensor) and as [K] vectors (for the
    /// bias): an active row's own values (the learning rate negated, for the step's one fused multiply-add); a frozen
    /// row's gradient mask 0, rate 0, momentum 1, decay 0.
    /// </summary>
    private sealed record Columns(Tensor Active, Tensor NegatedLearningRates, Tensor Momenta, Tensor WeightDecays) : IDisposable
    {
        public Tensor ActiveFlat { get; } = Active.flatten().DetachFromDisposeScope();

        public Tensor NegatedLearningRatesFlat { get; } = NegatedLearningRates.flatten().DetachFromDisposeScope();

        public Tensor MomentaFlat { get; } = Momenta.flatten().DetachFromDisposeScope();

        public Tensor WeightDecaysFlat { get; } = WeightDecays.flatten().DetachFromDisposeScope();

        public static Columns For(TrainingPlan?[] plans, bool[] active, int outputs, Device device)
        {
            // A lane's value on each of its O rows.
            Tensor Column(Func<TrainingPlan, double> training, double frozen) => tensor(
                plans.SelectMany((p, lane) => Enumerable.Repeat((float)(active[lane] && p is not null ? training(p) : frozen), outputs)).ToArray(),
                [plans.Length * outputs, 1]).to(device).DetachFromDisposeScope(); // they outlive the batch that may rebuild them

            return new Columns(Column(_ => 1, 0), Column(p => -p.LearningRate, 0), Column(p => p.Momentum, 1), Column(p => p.WeightDecay, 0));
        }

        public void Dispose()
        {
            foreach (var tensor in new[] { Active, NegatedLearningRates, Momenta, WeightDecays, ActiveFlat, NegatedLearningRatesFlat, MomentaFlat, WeightDecaysFlat })
            {
                tensor.Dispose();
            }
        }
    }
}

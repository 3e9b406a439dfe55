using GridSearch.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace GridSearch.Training.Trainer;

/// <summary>
/// The state of a fused group: every parameter of the unfused model (in its <c>state_dict</c> order) stacked over the
/// lanes, [K, …its shape], so lane k's values are index k of each, with the lanes' SGD hyperparameters as [K, 1, …]
/// columns so one update serves every lane.
/// </summary>
/// <remarks>
/// The group keeps its width for its whole life: a lane that is not training (finished, stopped, diverged, waiting for
/// its start epoch, or a row without a lane) stays in the tensors and is frozen by its columns (no gradient, rate 0,
/// momentum 1). Its numbers then never move, and the other lanes see exactly the products they would see with it
/// training: a product's rounding can depend on its shape, never on another lane's values. So a lane's numbers
/// depend only on its own start and the group's width, and a lane trained again after a crash, with any other lanes
/// beside it, repeats its uninterrupted run bit for bit.
/// </remarks>
internal sealed class FusedGroup : IDisposable
{
    private readonly TrainingPlan?[] _plans;
    private readonly Device _device;
    private readonly long[] _laneSizes;

    // The lanes' plans never change, so which parts of SGD the step needs is known once.
    private readonly bool _hasMomentum;
    private readonly bool _hasWeightDecay;
    private Tensor[]? _momentum;
    private bool[] _active;
    private Columns _columns;

    private FusedGroup(Tensor[] parameters, TrainingPlan?[] plans, int outputs, Device device)
    {
        Parameters = parameters;
        _plans = plans;
        Outputs = outputs;
        _device = device;
        _laneSizes = parameters.Select(p => p.numel() / plans.Length).ToArray();
        _hasMomentum = plans.Any(p => p is { Momentum: not 0 });
        _hasWeightDecay = plans.Any(p => p is { WeightDecay: not 0 });
        _active = new bool[plans.Length];
        _columns = Columns.For(plans, _active, device);
    }

    /// <summary>The unfused model's parameters, each stacked over the lanes: [K, …].</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>Lanes (rows of the group, used or not).</summary>
    public int Width => _plans.Length;

    /// <summary>Outputs per lane: 1 (a sigmoid) for two classes, C logits for more.</summary>
    public int Outputs { get; }

    public bool IsActive(int row) => _active[row];

    /// <summary>
    /// Every lane starts from the weights an unfused run of the same seed starts from or, resumed, from its own
    /// checkpointed weights and momentum; rows without a lane hold zeros.
    /// </summary>
    public static FusedGroup Start(TrainingData data, IReadOnlyList<FusedLane?> rows)
    {
        var first = rows.First(r => r is not null)!.Plan;
        using var model = Classifiers.Create(data.InputFeatures, data.ClassCount, data.Device, first.Model);
        var shapes = model.state_dict().Values.Select(t => t.shape).ToArray();
        long layout = shapes.Sum(s => s.Aggregate(1L, (a, b) => a * b));
        var plans = rows.Select(r => r?.Plan).ToArray();
        float[]? initial = null;
        float[] InitialWeights()
        {
            if (initial is null)
            {
                // The unfused model's own initialisation from the seed, so every lane starts where its run alone would.
                using var generator = new Generator(SeedStreams.InitialWeights(first.Seed));
                model.Initialise(generator);
                initial = model.GetWeights().Values;
            }

            return initial;
        }

        float[] Layout(float[]? values) => values?.Length == layout
            ? values
            : throw new ArgumentException($"A fused lane's weights and momentum need {layout} values each ({first.Model}), not {values?.Length}.");

        var parameters = Stack(rows.Count, shapes, row => rows[row] is { } lane
            ? Layout(lane.From is { } from ? from.Weights.Values : InitialWeights())
            : null, data.Device);
        foreach (var parameter in parameters)
        {
            parameter.requires_grad_(true);
        }

        int outputs = data.ClassCount == 2 ? 1 : data.ClassCount;
        var group = new FusedGroup(parameters, plans, outputs, data.Device);
        if (rows.Any(r => r?.From?.Momentum is not null))
        {
            // Lanes without a buffer yet get zeros: momentum·0 + d is d, PyTorch's first step exactly.
            group._momentum = Stack(rows.Count, shapes, row => rows[row]?.From?.Momentum is { } buffer ? Layout(buffer) : null, data.Device);
        }

        return group;
    }

    /// <summary>
    /// The lanes' values (each in the unfused model's layout: its tensors in order, each row by row) as one [K, …]
    /// tensor per parameter, zeros where a lane has none.
    /// </summary>
    private static Tensor[] Stack(int width, long[][] shapes, Func<int, float[]?> laneOf, Device device)
    {
        var lanes = Enumerable.Range(0, width).Select(laneOf).ToArray();
        var result = new Tensor[shapes.Length];
        int offset = 0;
        for (int p = 0; p < shapes.Length; p++)
        {
            int size = (int)shapes[p].Aggregate(1L, (a, b) => a * b);
            var values = new float[width * size];
            for (int lane = 0; lane < width; lane++)
            {
                if (lanes[lane] is { } laneValues)
                {
                    Array.Copy(laneValues, offset, values, lane * size, size);
                }
            }

            using var stacked = tensor(values, [width, .. shapes[p]]);
            result[p] = stacked.to(device).contiguous();
            offset += size;
        }

        return result;
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
        _columns = Columns.For(_plans, _active, _device);
    }

    /// <summary>Lane k's momentum buffer in the layout of its weights, for its checkpoint; null without momentum.</summary>
    public float[]? MomentumOf(int row) =>
        _momentum is null || _plans[row]?.Momentum is null or 0 ? null : Lane(_momentum, row);

    /// <summary>
    /// Drops the gradients, so the next backward writes them afresh instead of adding to zeros: the same values
    /// (0 + g is g), two fewer passes over every parameter per step.
    /// </summary>
    public void ZeroGrad()
    {
        foreach (var parameter in Parameters)
        {
            parameter.grad?.Dispose();
            parameter.grad = null;
        }
    }

    /// <summary>
    /// One SGD step per lane, as PyTorch's SGD takes it: d = g + wd·p; buf = m·buf + d (buf = d at first); p −= lr·buf.
    /// A frozen lane has d = 0, m = 1 and lr = 0, which leaves its weights and buffer exactly as they were.
    /// </summary>
    public void Step()
    {
        using var _ = no_grad();
        if (_hasMomentum)
        {
            _momentum ??= new Tensor[Parameters.Count];
        }

        for (int p = 0; p < Parameters.Count; p++)
        {
            var buffer = StepOne(Parameters[p], _momentum?[p]);
            if (_momentum is not null)
            {
                _momentum[p] = buffer!;
            }
        }
    }

    /// <summary>
    /// Whether steps may skip autograd (<see cref="StepBinaryLogistic"/>): the binary logistic model with plain SGD in
    /// every lane (no momentum, no weight decay), the baseline's case.
    /// </summary>
    public bool TakesBinaryLogisticSteps(ModelSpec model) =>
        model.Name == ModelSpec.Logistic && Outputs == 1 && !_hasMomentum && !_hasWeightDecay;

    /// <summary>
    /// One plain SGD step of the binary logistic model without autograd: the gradient autograd computes, by the same
    /// formulas in the same order (BCE's backward (p − y) / max((1 − p)·p, 1e-12) of the batch mean's 1/B, then the
    /// sigmoid's (1 − p)·p, so a saturated output gives no gradient exactly as it does alone), scaled per lane by −lr and
    /// added to the weights in one product, W += (−lr ⊙ ∂z)ᵀ·X: no gradient matrix is written and read back. Frozen
    /// lanes have rate 0 and stay exactly as they were.
    /// </summary>
    /// <param name="images">The batch, [B, F].</param>
    /// <param name="probabilities">The lanes' sigmoid outputs, [B, K], without NaN.</param>
    /// <param name="labels">The second class's labels, [B, 1].</param>
    public void StepBinaryLogistic(Tensor images, Tensor probabilities, Tensor labels)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var perImage = (1f / images.shape[0]).ToScalar(); // the batch mean's gradient, 1/B as a float
        using var epsilon = 1e-12f.ToScalar();
        var oneMinus = probabilities.neg().add_(Scalars.OneFloat);
        var gradient = probabilities.sub(labels).mul_(perImage).div_(oneMinus.mul(probabilities).clamp_min_(epsilon))
            .mul_(oneMinus).mul_(probabilities);
        var scaled = gradient.t().mul(_columns.Shaped(2).NegatedLearningRates); // [K, B]
        var weight = Parameters[0];
        weight.view(weight.shape[0], weight.shape[^1]).addmm_(scaled, images);
        Parameters[1].view(-1).add_(scaled.sum([1]));
    }

    private Tensor? StepOne(Tensor parameter, Tensor? buffer)
    {
        using var scope = NewDisposeScope();
        var columns = _columns.Shaped((int)parameter.dim());
        // Every lane training (the usual case): the mask is all ones and g·1 is g, so it is skipped.
        var step = _active.All(a => a) ? parameter.grad! : parameter.grad!.mul(columns.Active);
        if (_hasWeightDecay)
        {
            step = step.add(parameter.detach().mul(columns.WeightDecays));
        }

        if (_hasMomentum)
        {
            if (buffer is null)
            {
                buffer = step.clone().DetachFromDisposeScope();
            }
            else
            {
                buffer.mul_(columns.Momenta).add_(step);
            }

            step = buffer;
        }

        // p += d·(−lr) in one pass over p, the lanes' rates broadcast along their rows.
        parameter.addcmul_(step, columns.NegatedLearningRates, Scalars.OneFloat);
        return buffer;
    }

    /// <summary>
    /// Freezes a diverged lane for good and zeroes it (weights and buffer), so its non-finite values never reach a
    /// product again: 0 · inf would be NaN even in a frozen lane's update.
    /// </summary>
    public void Retire(int row)
    {
        using (no_grad())
        {
            foreach (var tensor in Parameters.Concat(_momentum ?? []).Where(t => t is not null))
            {
                tensor.select(0, row).zero_();
            }
        }

        var active = _active.ToArray();
        active[row] = false;
        Activate(active);
    }

    /// <summary>Lane k's weights in the unfused model's layout: its tensors in state_dict order, each flattened.</summary>
    public ModelWeights WeightsOf(int row) => new(Lane(Parameters, row));

    private float[] Lane(IReadOnlyList<Tensor> stacked, int row)
    {
        var result = new float[_laneSizes.Sum()];
        int offset = 0;
        for (int p = 0; p < stacked.Count; p++)
        {
            if (stacked[p] is { } tensor)
            {
                using var values = tensor.select(0, row).detach().cpu().contiguous();
                values.data<float>().CopyTo(result, offset);
            }

            offset += (int)_laneSizes[p];
        }

        return result;
    }

    public void Dispose()
    {
        foreach (var tensor in Parameters.Concat(_momentum ?? []).Where(t => t is not null))
        {
            tensor.Dispose();
        }

        _columns.Dispose();
    }

    /// <summary>
    /// The lanes' SGD hyperparameters as [K] vectors, shown as [K, 1, …] columns for a parameter of any rank: an
    /// active lane's own values (the learning rate negated, for the step's one fused multiply-add); a frozen lane's
    /// gradient mask 0, rate 0, momentum 1, decay 0.
    /// </summary>
    private sealed class Columns : IDisposable
    {
        private readonly Tensor[] _vectors;
        private readonly Dictionary<int, Shape> _byRank = [];

        private Columns(Tensor[] vectors) => _vectors = vectors;

        public static Columns For(TrainingPlan?[] plans, bool[] active, Device device)
        {
            Tensor Vector(Func<TrainingPlan, double> training, double frozen) => tensor(
                plans.Select((p, lane) => (float)(active[lane] && p is not null ? training(p) : frozen)).ToArray())
                .to(device).DetachFromDisposeScope(); // they outlive the batch that may rebuild them

            return new Columns([Vector(_ => 1, 0), Vector(p => -p.LearningRate, 0), Vector(p => p.Momentum, 1), Vector(p => p.WeightDecay, 0)]);
        }

        /// <summary>The columns for a parameter of the given rank (the lane dimension included).</summary>
        public Shape Shaped(int rank)
        {
            if (!_byRank.TryGetValue(rank, out var shape))
            {
                long[] dims = [_vectors[0].shape[0], .. Enumerable.Repeat(1L, rank - 1)];
                var views = _vectors.Select(v => v.view(dims).DetachFromDisposeScope()).ToArray();
                shape = new Shape(views[0], views[1], views[2], views[3]);
                _byRank[rank] = shape;
            }

            return shape;
        }

        public void Dispose()
        {
            foreach (var tensor in _vectors.Concat(_byRank.Values.SelectMany(s => new[] { s.Active, s.NegatedLearningRates, s.Momenta, s.WeightDecays })))
            {
                tensor.Dispose();
            }
        }

        public sealed record Shape(Tensor Active, Tensor NegatedLearningRates, Tensor Momenta, Tensor WeightDecays);
    }
}

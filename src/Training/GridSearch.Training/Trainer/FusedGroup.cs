using GridSearch.Training.Model;
using static TorchSharp.torch;

namespace GridSearch.Training.Trainer;

/// <summary>
/// The state of a fused group of logistic cells: row k of <see cref="Weight"/> and element k of <see cref="Bias"/> are
/// cell k's parameters, with its SGD hyperparameters as columns so one update serves every row. Rows leave with
/// <see cref="Keep"/>; what remains is a smaller group with the same state.
/// </summary>
internal sealed class FusedGroup : IDisposable
{
    private Tensor _learningRates;
    private Tensor _momenta;
    private Tensor _weightDecays;
    private Tensor? _weightMomentum;
    private Tensor? _biasMomentum;
    private bool[] _diverged;

    private FusedGroup(Tensor weight, Tensor bias, IReadOnlyList<TrainingPlan> plans, int[] cells, Device device)
    {
        Weight = weight;
        Bias = bias;
        Plans = cells.Select(c => plans[c]).ToArray();
        Cells = cells;
        _learningRates = Column(Plans.Select(p => p.LearningRate), device);
        _momenta = Column(Plans.Select(p => p.Momentum), device);
        _weightDecays = Column(Plans.Select(p => p.WeightDecay), device);
        _diverged = new bool[cells.Length];
    }

    /// <summary>[K, F]: one row of weights per cell.</summary>
    public Tensor Weight { get; private set; }

    /// <summary>[K]: one bias per cell.</summary>
    public Tensor Bias { get; private set; }

    /// <summary>For each row, the index of its cell in the plans the group started with.</summary>
    public int[] Cells { get; private set; }

    public TrainingPlan[] Plans { get; private set; }

    public int Count => Cells.Length;

    /// <summary>
    /// Every cell starts from the weights an unfused run of the same seed starts from, or, resumed, from its own
    /// checkpointed weights and momentum.
    /// </summary>
    public static FusedGroup Start(TrainingData data, IReadOnlyList<TrainingPlan> plans, FusedStart? from = null)
    {
        if (from is not null)
        {
            return Resume(data, plans, from);
        }

        using var model = new LogisticRegressionModel(data.InputFeatures, data.Device);
        using (var generator = new Generator(SeedStreams.InitialWeights(plans[0].Seed)))
        {
            model.Initialise(generator);
        }

        var start = model.GetWeights().Values;
        int rows = plans.Count;
        using var weight = tensor(start.AsSpan(0, data.InputFeatures).ToArray(), [1, data.InputFeatures]);
        using var bias = tensor(new[] { start[^1] }, [1]);
        return new FusedGroup(
            weight.repeat(rows, 1).to(data.Device).requires_grad_(true),
            bias.repeat(rows).to(data.Device).requires_grad_(true),
            plans, Enumerable.Range(0, rows).ToArray(), data.Device);
    }

    private static FusedGroup Resume(TrainingData data, IReadOnlyList<TrainingPlan> plans, FusedStart from)
    {
        int features = data.InputFeatures;
        if (from.Cells.Count != plans.Count || from.Cells.Any(c => c.Weights.Values.Length != features + 1))
        {
            throw new ArgumentException($"A fused resume needs every cell's weights ({features} + 1 values each) for its {plans.Count} cells.");
        }

        Tensor Stack(Func<int, float[]> rowOf)
        {
            var values = new float[plans.Count * (features + 1)];
            for (int row = 0; row < plans.Count; row++)
            {
                rowOf(row).CopyTo(values, row * (features + 1));
            }

            return tensor(values, [plans.Count, features + 1]).to(data.Device);
        }

        using var weights = Stack(row => from.Cells[row].Weights.Values);
        var group = new FusedGroup(
            weights.narrow(1, 0, features).contiguous().requires_grad_(true),
            weights.narrow(1, features, 1).flatten().contiguous().requires_grad_(true),
            plans, Enumerable.Range(0, plans.Count).ToArray(), data.Device);
        if (from.Cells.Any(c => c.Momentum is not null))
        {
            // Cells without momentum carry none: a zero buffer times their momentum of 0 leaves their steps as they were.
            using var momentum = Stack(row => from.Cells[row].Momentum ?? new float[features + 1]);
            group._weightMomentum = momentum.narrow(1, 0, features).contiguous();
            group._biasMomentum = momentum.narrow(1, features, 1).flatten().contiguous();
        }

        return group;
    }

    /// <summary>Cell k's momentum buffer in the layout of its weights, for its checkpoint; null without momentum.</summary>
    public float[]? MomentumOf(int row)
    {
        return _weightMomentum is null || _biasMomentum is null || Plans[row].Momentum == 0
            ? null
            : Row(_weightMomentum, _biasMomentum, row);
    }

    public void ZeroGrad()
    {
        Weight.grad?.zero_();
        Bias.grad?.zero_();
    }

    /// <summary>One SGD step per row, as PyTorch's SGD takes it: d = g + wd·p; buf = m·buf + d (buf = d at first); p −= lr·buf.</summary>
    public void Step()
    {
        using var _ = no_grad();
        _weightMomentum = StepOne(Weight, _weightMomentum, _learningRates, _momenta, _weightDecays);
        using var lr = _learningRates.flatten();
        using var momenta = _momenta.flatten();
        using var decays = _weightDecays.flatten();
        _biasMomentum = StepOne(Bias, _biasMomentum, lr, momenta, decays);
    }

    private bool HasMomentum => Plans.Any(p => p.Momentum != 0);

    private bool HasWeightDecay => Plans.Any(p => p.WeightDecay != 0);

    private Tensor? StepOne(Tensor parameter, Tensor? buffer, Tensor lr, Tensor momenta, Tensor decays)
    {
        using var scope = NewDisposeScope();
        var step = parameter.grad!;
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

        parameter.sub_(step.mul(lr));
        return buffer;
    }

    public bool IsDiverged(int row) => _diverged[row];

    public void MarkDiverged(int row) => _diverged[row] = true;

    /// <summary>Cell k's weights in the unfused model's layout: its F weights, then its bias.</summary>
    public ModelWeights WeightsOf(int row) => new(Row(Weight, Bias, row));

    /// <summary>Row k of a [K, F] matrix and element k of a [K] vector, as the F + 1 values of one cell's layout.</summary>
    private static float[] Row(Tensor matrix, Tensor vector, int row)
    {
        using var values = matrix[row].detach().cpu();
        using var last = vector[row].detach().cpu();
        var result = new float[values.shape[0] + 1];
        values.data<float>().CopyTo(result, 0);
        result[^1] = last.item<float>();
        return result;
    }

    /// <summary>Keeps the rows the predicate accepts, with their parameters, optimizer state and hyperparameters.</summary>
    public void Keep(Func<int, bool> keep)
    {
        var rows = Enumerable.Range(0, Count).Where(keep).ToArray();
        if (rows.Length == Count)
        {
            return;
        }

        using var index = tensor(rows.Select(r => (long)r).ToArray(), [rows.Length]).to(Weight.device);
        Tensor Select(Tensor t) => t.index_select(0, index);
        Tensor SelectParameter(Tensor t)
        {
            using var kept = t.detach().index_select(0, index);
            return kept.clone().requires_grad_(true);
        }

        var weight = SelectParameter(Weight);
        var bias = SelectParameter(Bias);
        Weight.Dispose();
        Bias.Dispose();
        (Weight, Bias) = (weight, bias);
        _weightMomentum = Replace(_weightMomentum, Select);
        _biasMomentum = Replace(_biasMomentum, Select);
        _learningRates = Replace(_learningRates, Select)!;
        _momenta = Replace(_momenta, Select)!;
        _weightDecays = Replace(_weightDecays, Select)!;
        Cells = rows.Select(r => Cells[r]).ToArray();
        Plans = rows.Select(r => Plans[r]).ToArray();
        _diverged = rows.Select(r => _diverged[r]).ToArray();
    }

    private static Tensor? Replace(Tensor? old, Func<Tensor, Tensor> select)
    {
        if (old is null)
        {
            return null;
        }

        var kept = select(old);
        old.Dispose();
        return kept;
    }

    /// <summary>A [K, 1] float32 column, so it scales row k of a [K, F] tensor.</summary>
    private static Tensor Column(IEnumerable<double> values, Device device) =>
        tensor(values.Select(v => (float)v).ToArray(), [values.Count(), 1]).to(device);

    public void Dispose()
    {
        Weight.Dispose();
        Bias.Dispose();
        _weightMomentum?.Dispose();
        _biasMomentum?.Dispose();
        _learningRates.Dispose();
        _momenta.Dispose();
        _weightDecays.Dispose();
    }
}

/// <summary>Where a fused group resumes: the epochs every cell has completed, and each cell's weights and momentum.</summary>
public sealed record FusedStart(int CompletedEpochs, IReadOnlyList<FusedCellState> Cells);

/// <summary>A fused cell's checkpoint: its weights (the unfused model's layout) and, with momentum, its buffer in the same layout.</summary>
public sealed record FusedCellState(ModelWeights Weights, float[]? Momentum = null);

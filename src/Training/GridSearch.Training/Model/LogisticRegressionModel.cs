using GridSearch.Training.Trainer;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GridSearch.Training.Model;

/// <summary>
/// The baseline's model: Flatten → Linear(3·128·128 → 1) → Sigmoid. Parameter names match the PyTorch original
/// (<c>linear.weight</c>, <c>linear.bias</c>) so weights move between the two.
/// </summary>
public sealed class LogisticRegressionModel : ClassifierModel
{
    private readonly Flatten flatten;
    private readonly Linear linear;
    private readonly Sigmoid sigmoid;
    private readonly BCELoss loss;

    public LogisticRegressionModel(int inputFeatures, Device device) : base(nameof(LogisticRegressionModel))
    {
        InputFeatures = inputFeatures;
        flatten = nn.Flatten();
        linear = nn.Linear(inputFeatures, 1);
        sigmoid = nn.Sigmoid();
        loss = nn.BCELoss();
        RegisterComponents();
        this.to(device);
    }

    public int InputFeatures { get; }

    public override int ParameterCount => InputFeatures + 1;

    /// <summary>The second class's label as a float, [B,1], as the baseline's BCE loss takes it.</summary>
    public override Tensor Targets(TrainingData data, Tensor indices) => data.Labels.index_select(0, indices);

    public override Tensor Loss(Tensor output, Tensor targets) => loss.forward(output, targets);

    /// <summary>The second class where its probability is above 0.5 (the baseline's threshold).</summary>
    public override Tensor Predict(Tensor output) => output.gt(Scalars.Threshold).to(ScalarType.Int64).flatten();

    // Intermediates belong to the caller's dispose scope (one per batch), like every other tensor of the step.
    public override Tensor forward(Tensor input) => sigmoid.forward(linear.forward(flatten.forward(input)));

    /// <summary>Copies the current parameters out (a snapshot, not a view of the live tensors).</summary>
    public override ModelWeights GetWeights()
    {
        using var weight = linear.weight!.detach().cpu();
        using var bias = linear.bias!.detach().cpu();
        var values = new float[InputFeatures + 1];
        weight.data<float>().CopyTo(values, 0);
        values[InputFeatures] = bias.data<float>()[0];
        return new ModelWeights(values);
    }

    public override void SetWeights(ModelWeights weights)
    {
        if (weights.Values.Length != InputFeatures + 1)
        {
            throw new ArgumentException(
                $"Weights hold {weights.Values.Length} values; this model needs {InputFeatures + 1} ({InputFeatures} + bias).");
        }

        using var _ = no_grad();
        using var weight = tensor(weights.Values.AsSpan(0, InputFeatures).ToArray(), [1, InputFeatures]);
        using var bias = tensor(new[] { weights.Values[InputFeatures] }, [1]);
        linear.weight!.copy_(weight);
        linear.bias!.copy_(bias);
    }

    /// <summary>
    /// PyTorch's default Linear initialisation (uniform in ±1/√fan_in for weight and bias) drawn from the given
    /// generator rather than the global one, so concurrent cells stay reproducible.
    /// </summary>
    public override void Initialise(Generator generator) => LinearInit.Uniform(linear, generator);
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GridSearch.Training.Model;

/// <summary>
/// The seed's model: Flatten → Linear(3·128·128 → 1) → Sigmoid. Parameter names match the PyTorch original
/// (<c>linear.weight</c>, <c>linear.bias</c>) so weights move between the two.
/// </summary>
public sealed class LogisticRegressionModel : nn.Module<Tensor, Tensor>
{
    private readonly Flatten flatten;
    private readonly Linear linear;
    private readonly Sigmoid sigmoid;

    public LogisticRegressionModel(int inputFeatures, Device device) : base(nameof(LogisticRegressionModel))
    {
        InputFeatures = inputFeatures;
        flatten = nn.Flatten();
        linear = nn.Linear(inputFeatures, 1);
        sigmoid = nn.Sigmoid();
        RegisterComponents();
        this.to(device);
    }

    public int InputFeatures { get; }

    // Intermediates belong to the caller's dispose scope (one per batch), like every other tensor of the step.
    public override Tensor forward(Tensor input) => sigmoid.forward(linear.forward(flatten.forward(input)));

    /// <summary>Copies the current parameters out (a snapshot, not a view of the live tensors).</summary>
    public ModelWeights GetWeights()
    {
        using var weight = linear.weight!.detach().cpu();
        using var bias = linear.bias!.detach().cpu();
        var values = new float[InputFeatures + 1];
        weight.data<float>().CopyTo(values, 0);
        values[InputFeatures] = bias.data<float>()[0];
        return new ModelWeights(values);
    }

    public void SetWeights(ModelWeights weights)
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
    public void Initialise(Generator generator)
    {
        using var _ = no_grad();
        double bound = 1.0 / Math.Sqrt(InputFeatures);
        linear.weight!.uniform_(-bound, bound, generator);
        linear.bias!.uniform_(-bound, bound, generator);
    }
}

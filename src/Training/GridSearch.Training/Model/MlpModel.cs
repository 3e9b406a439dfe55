using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GridSearch.Training.Model;

/// <summary>
/// A multilayer perceptron: Flatten → (Linear → ReLU → Dropout) × L → Linear, then the two-or-more-classes head.
/// Dropout masks come from a generator the trainer seeds per epoch (<see cref="IDropoutModel"/>), never from
/// TorchSharp's global one, so concurrent runs stay reproducible and a resumed run draws the masks an uninterrupted
/// one would. Names match the PyTorch twin: <c>hidden.{i}.weight</c>, <c>output.weight</c>.
/// </summary>
public sealed class MlpModel : BinaryOrMultiClassModel, IDropoutModel
{
    private readonly Flatten flatten;
    private readonly ModuleList<Linear> hidden;
    private readonly Linear output;
    private readonly ModelSpec _spec;

    public MlpModel(int inputFeatures, int classes, ModelSpec spec, Device device) : base(nameof(MlpModel), classes)
    {
        InputFeatures = inputFeatures;
        _spec = spec;
        flatten = nn.Flatten();
        hidden = nn.ModuleList(Enumerable.Range(0, spec.HiddenLayers)
            .Select(i => nn.Linear(i == 0 ? inputFeatures : spec.Hidden, spec.Hidden)).ToArray());
        output = nn.Linear(spec.Hidden, Outputs);
        RegisterComponents();
        this.to(device);
    }

    public int InputFeatures { get; }

    public Generator? DropoutGenerator { get; set; }

    public override Tensor forward(Tensor input)
    {
        var x = flatten.forward(input);
        foreach (var layer in hidden)
        {
            x = nn.functional.relu(layer.forward(x));
            if (training && _spec.Dropout > 0)
            {
                // Inverted dropout, as nn.Dropout does: keep with probability 1 − p and scale by 1/(1 − p).
                // Scalars disposed after use, not left to the finaliser (see Scalars).
                using var keepProbability = (1 - _spec.Dropout).ToScalar();
                using var keep = full_like(x, keepProbability);
                x = x.mul(bernoulli(keep, DropoutGenerator).div_(keepProbability));
            }
        }

        return Head(output.forward(x));
    }

    /// <summary>PyTorch's default Linear initialisation (uniform in ±1/√fan_in) for every layer, from the given generator.</summary>
    public override void Initialise(Generator generator)
    {
        foreach (var layer in hidden.Append(output))
        {
            LinearInit.Uniform(layer, generator);
        }
    }
}

/// <summary>A model that draws dropout masks while training, from the generator the trainer sets for each epoch.</summary>
public interface IDropoutModel
{
    Generator? DropoutGenerator { get; set; }
}

using GridSearch.Training.Trainer;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GridSearch.Training.Model;

/// <summary>
/// A multilayer perceptron: Flatten → (Linear → ReLU → Dropout) × L → Linear, then Sigmoid and BCE for two classes
/// (one output) or cross-entropy on C logits for more. Dropout masks come from a generator the trainer seeds per
/// epoch (<see cref="DropoutGenerator"/>), never from TorchSharp's global one, so concurrent runs stay reproducible
/// and a resumed run draws the masks an uninterrupted one would. Names match the PyTorch twin: <c>hidden.{i}.weight</c>,
/// <c>output.weight</c>.
/// </summary>
public sealed class MlpModel : ClassifierModel
{
    private readonly Flatten flatten;
    private readonly ModuleList<Linear> hidden;
    private readonly Linear output;
    private readonly BCELoss binaryLoss;
    private readonly CrossEntropyLoss multiClassLoss;
    private readonly ModelSpec _spec;

    public MlpModel(int inputFeatures, int classes, ModelSpec spec, Device device) : base(nameof(MlpModel))
    {
        InputFeatures = inputFeatures;
        Classes = classes;
        _spec = spec;
        flatten = nn.Flatten();
        hidden = nn.ModuleList(Enumerable.Range(0, spec.HiddenLayers)
            .Select(i => nn.Linear(i == 0 ? inputFeatures : spec.Hidden, spec.Hidden)).ToArray());
        output = nn.Linear(spec.Hidden, classes == 2 ? 1 : classes);
        binaryLoss = nn.BCELoss();
        multiClassLoss = nn.CrossEntropyLoss();
        RegisterComponents();
        this.to(device);
        ParameterCount = (int)parameters().Sum(p => p.numel());
    }

    public int InputFeatures { get; }

    public int Classes { get; }

    public override int ParameterCount { get; }

    /// <summary>Where dropout draws its masks while training; set by the trainer at the start of each epoch.</summary>
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
                using var keep = full_like(x, 1 - _spec.Dropout);
                x = x.mul(bernoulli(keep, DropoutGenerator).div_(1 - _spec.Dropout));
            }
        }

        var logits = output.forward(x);
        return Classes == 2 ? nn.functional.sigmoid(logits) : logits;
    }

    public override Tensor Targets(TrainingData data, Tensor indices) =>
        Classes == 2 ? data.Labels.index_select(0, indices) : data.ClassIndices.index_select(0, indices);

    public override Tensor Loss(Tensor output, Tensor targets) =>
        Classes == 2 ? binaryLoss.forward(output, targets) : multiClassLoss.forward(output, targets);

    public override Tensor Predict(Tensor output) =>
        Classes == 2 ? output.gt(0.5).to(ScalarType.Int64).flatten() : output.argmax(1);

    /// <summary>Every parameter in registration order (hidden layers' weight and bias, then the output's), flattened.</summary>
    public override ModelWeights GetWeights()
    {
        var values = new float[ParameterCount];
        int offset = 0;
        foreach (var parameter in parameters())
        {
            using var copy = parameter.detach().cpu().contiguous();
            var data = copy.data<float>();
            data.CopyTo(values, offset);
            offset += (int)data.Count;
        }

        return new ModelWeights(values);
    }

    public override void SetWeights(ModelWeights weights)
    {
        if (weights.Values.Length != ParameterCount)
        {
            throw new ArgumentException($"Weights hold {weights.Values.Length} values; this {_spec} model needs {ParameterCount}.");
        }

        using var _ = no_grad();
        int offset = 0;
        foreach (var parameter in parameters())
        {
            int count = (int)parameter.numel();
            using var values = tensor(weights.Values.AsSpan(offset, count).ToArray(), parameter.shape);
            parameter.copy_(values);
            offset += count;
        }
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

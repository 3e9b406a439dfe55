using GridSearch.Training.Trainer;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GridSearch.Training.Model;

/// <summary>
/// Logistic regression over more than two classes (multinomial, softmax): Flatten → Linear(3·S·S → C), trained with
/// cross-entropy on the logits, predicting the class with the largest logit. With two classes GridSearch uses the
/// baseline's <see cref="LogisticRegressionModel"/> instead.
/// </summary>
public sealed class SoftmaxRegressionModel : ClassifierModel
{
    private readonly Flatten flatten;
    private readonly Linear linear;
    private readonly CrossEntropyLoss loss;

    public SoftmaxRegressionModel(int inputFeatures, int classes, Device device) : base(nameof(SoftmaxRegressionModel))
    {
        InputFeatures = inputFeatures;
        Classes = classes;
        flatten = nn.Flatten();
        linear = nn.Linear(inputFeatures, classes);
        loss = nn.CrossEntropyLoss();
        RegisterComponents();
        this.to(device);
    }

    public int InputFeatures { get; }

    public int Classes { get; }

    public override int ParameterCount => (InputFeatures + 1) * Classes;

    public override Tensor forward(Tensor input) => linear.forward(flatten.forward(input));

    public override Tensor Targets(TrainingData data, Tensor indices) => data.ClassIndices.index_select(0, indices);

    public override Tensor Loss(Tensor output, Tensor targets) => loss.forward(output, targets);

    public override Tensor Predict(Tensor output) => output.argmax(1);

    /// <summary>The weight matrix row by row ([C, F]), then the C biases.</summary>
    public override ModelWeights GetWeights()
    {
        using var weight = linear.weight!.detach().cpu().contiguous();
        using var bias = linear.bias!.detach().cpu();
        var values = new float[ParameterCount];
        weight.data<float>().CopyTo(values, 0);
        bias.data<float>().CopyTo(values, InputFeatures * Classes);
        return new ModelWeights(values);
    }

    public override void SetWeights(ModelWeights weights)
    {
        if (weights.Values.Length != ParameterCount)
        {
            throw new ArgumentException(
                $"Weights hold {weights.Values.Length} values; this model needs {ParameterCount} ({Classes} × ({InputFeatures} + bias)).");
        }

        using var _ = no_grad();
        using var weight = tensor(weights.Values.AsSpan(0, InputFeatures * Classes).ToArray(), [Classes, InputFeatures]);
        using var bias = tensor(weights.Values.AsSpan(InputFeatures * Classes).ToArray(), [Classes]);
        linear.weight!.copy_(weight);
        linear.bias!.copy_(bias);
    }

    /// <summary>PyTorch's default Linear initialisation (uniform in ±1/√fan_in), from the given generator.</summary>
    public override void Initialise(Generator generator) => LinearInit.Uniform(linear, generator);
}

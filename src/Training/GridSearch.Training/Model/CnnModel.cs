using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GridSearch.Training.Model;

/// <summary>
/// A small convolutional network: three blocks of Conv 3×3 (no bias; batch norm has one) → BatchNorm → ReLU →
/// MaxPool 2×2 with <see cref="ModelSpec.Width"/>, 2× and 4× channels, then Flatten → Linear and the
/// two-or-more-classes head. Batch norm's running statistics are part of the weights (checkpoints, winner.pt), so a
/// resumed run and the PyTorch twin evaluate exactly like the trained model. Names match the twin:
/// <c>conv.{i}.weight</c>, <c>norm.{i}.running_mean</c>, <c>output.weight</c>.
/// </summary>
public sealed class CnnModel : BinaryOrMultiClassModel
{
    public const int Blocks = 3;

    /// <summary>The smallest image side three 2×2 poolings leave at least one pixel of.</summary>
    public const int MinImageSize = 1 << Blocks;

    private readonly ModuleList<Conv2d> conv;
    private readonly ModuleList<BatchNorm2d> norm;
    private readonly Linear output;

    public CnnModel(int inputFeatures, int classes, ModelSpec spec, Device device) : base(nameof(CnnModel), classes)
    {
        ImageSize = ImageSide(inputFeatures);
        if (ImageSize < MinImageSize)
        {
            throw new ArgumentException($"cnn needs images of at least {MinImageSize}×{MinImageSize} pixels, not {ImageSize}×{ImageSize}; pass --image-size {MinImageSize} or more.");
        }

        var channels = Enumerable.Range(0, Blocks).Select(i => spec.Width << i).ToArray();
        conv = nn.ModuleList(channels.Select((c, i) => nn.Conv2d(i == 0 ? 3 : channels[i - 1], c, 3, padding: 1, bias: false)).ToArray());
        norm = nn.ModuleList(channels.Select(c => nn.BatchNorm2d(c)).ToArray());
        int side = ImageSize >> Blocks; // each pooling floors, as PyTorch's does
        output = nn.Linear(channels[^1] * side * side, Outputs);
        RegisterComponents();
        this.to(device);
    }

    public int ImageSize { get; }

    public override Tensor forward(Tensor input)
    {
        var x = input;
        for (int i = 0; i < Blocks; i++)
        {
            x = nn.functional.max_pool2d(nn.functional.relu(norm[i].forward(conv[i].forward(x))), 2);
        }

        return Head(output.forward(x.flatten(1)));
    }

    /// <summary>
    /// PyTorch's defaults, drawn from the given generator: convolutions uniform in ±1/√(in·3·3) (what
    /// kaiming_uniform with a = √5 amounts to), batch norm scale 1 and shift 0, the head like every Linear.
    /// </summary>
    public override void Initialise(Generator generator)
    {
        using var _ = no_grad();
        foreach (var layer in conv)
        {
            double bound = 1.0 / Math.Sqrt(layer.weight!.shape[1] * 9);
            layer.weight!.uniform_(-bound, bound, generator);
        }

        foreach (var layer in norm)
        {
            layer.weight!.fill_(1);
            layer.bias!.zero_();
        }

        LinearInit.Uniform(output, generator);
    }

    /// <summary>The side S of a square RGB image of 3·S·S values.</summary>
    private static int ImageSide(int inputFeatures)
    {
        int side = (int)Math.Round(Math.Sqrt(inputFeatures / 3.0));
        if (3 * side * side != inputFeatures)
        {
            throw new ArgumentException($"cnn takes square RGB images; {inputFeatures} input values are not 3·S·S for any S.");
        }

        return side;
    }
}

using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GridSearch.Training.Model;

/// <summary>
/// PyTorch's default Linear initialisation (weight and bias uniform in ±1/√fan_in), drawn from a given generator
/// rather than the global one, so concurrent cells stay reproducible.
/// </summary>
internal static class LinearInit
{
    public static void Uniform(Linear layer, Generator generator)
    {
        using var _ = no_grad();
        double bound = 1.0 / Math.Sqrt(layer.in_features);
        layer.weight!.uniform_(-bound, bound, generator);
        layer.bias!.uniform_(-bound, bound, generator);
    }
}

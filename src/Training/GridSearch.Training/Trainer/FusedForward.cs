using GridSearch.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace GridSearch.Training.Trainer;

/// <summary>
/// The forward pass of every lane of a fused group at once, [B, F] images → [B, K·O] outputs (lane k's O outputs at
/// columns k·O … k·O + O − 1, before the sigmoid or softmax). The first layer of every model sees the same images,
/// so it is one matrix product over the lanes' stacked weights, [B, F] × [F, K·H]; later layers of the MLP see each
/// lane's own activations and are one batched product (<c>bmm</c>) over [K, B, H].
/// </summary>
internal static class FusedForward
{
    /// <param name="dropout">The epoch's dropout generator while training (null for evaluation): each hidden layer
    /// draws one [B, H] mask from it, exactly as the unfused MLP does, and every lane uses that mask.</param>
    public static Tensor Outputs(FusedGroup group, Tensor images, ModelSpec spec, Generator? dropout)
    {
        var parameters = group.Parameters;
        int width = group.Width;
        long batch = images.shape[0];
        if (spec.Name == ModelSpec.Logistic)
        {
            return nn.functional.linear(images, Flat(parameters[0]), parameters[1].view(-1));
        }

        if (spec.Name != ModelSpec.Mlp)
        {
            throw new ArgumentException($"Fused training covers the logistic and mlp models, not {spec.Name}.", nameof(spec));
        }

        // hidden.0: one product for all lanes, then [B, K, H] → [K, B, H] for the lanes' own layers.
        var x = nn.functional.relu(nn.functional.linear(images, Flat(parameters[0]), parameters[1].view(-1)))
            .view(batch, width, spec.Hidden).transpose(0, 1);
        x = Dropout(x, spec, dropout);
        for (int layer = 1; layer <= spec.HiddenLayers; layer++)
        {
            var weight = parameters[2 * layer];
            var bias = parameters[2 * layer + 1];
            // [K, B, in] × [K, in, out] + [K, 1, out]
            x = x.bmm(weight.transpose(1, 2)).add_(bias.unsqueeze(1));
            if (layer < spec.HiddenLayers)
            {
                x = Dropout(nn.functional.relu(x), spec, dropout);
            }
        }

        // [K, B, O] → [B, K·O], the logistic layout.
        return x.transpose(0, 1).reshape(batch, width * group.Outputs);
    }

    /// <summary>[K, O, F] → [K·O, F]: every lane's rows of one linear layer as one matrix.</summary>
    private static Tensor Flat(Tensor weight) => weight.view(-1, weight.shape[^1]);

    private static Tensor Dropout(Tensor x, ModelSpec spec, Generator? generator)
    {
        if (generator is null || spec.Dropout <= 0)
        {
            return x;
        }

        // The unfused model's draw: one [B, H] keep mask scaled by 1/(1 − p), here shared by the lanes ([1, B, H]).
        using var keepProbability = (1 - spec.Dropout).ToScalar();
        using var keep = full([x.shape[1], x.shape[2]], keepProbability, dtype: x.dtype, device: x.device);
        return x.mul(bernoulli(keep, generator).div_(keepProbability).unsqueeze(0));
    }
}

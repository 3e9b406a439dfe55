using GridSearch.Training.Trainer;
using static TorchSharp.torch;

namespace GridSearch.Training.Model;

/// <summary>
/// What the trainer needs of a model: its forward pass, the targets and loss it trains on, how its outputs become
/// class predictions, its seeded initial weights, and its state (parameters and buffers such as batch-norm
/// statistics) as one flat array for checkpoints, the winner and weight files. Tensor names follow the PyTorch twin in
/// python/gridsearch_models.py, so <c>state_dict</c> files move between the two.
/// </summary>
public abstract class ClassifierModel(string name) : nn.Module<Tensor, Tensor>(name)
{
    /// <summary>What the loss compares a batch's outputs with, e.g. float [B,1] labels for BCE or class indices for CE.</summary>
    public abstract Tensor Targets(TrainingData data, Tensor indices);

    public abstract Tensor Loss(Tensor output, Tensor targets);

    /// <summary>The predicted class index of each image, int64 [B].</summary>
    public abstract Tensor Predict(Tensor output);

    /// <summary>How many values <see cref="GetWeights"/> holds (parameters and buffers).</summary>
    public virtual int ParameterCount => (int)state_dict().Values.Sum(t => t.numel());

    /// <summary>
    /// Every tensor of the state, in <c>state_dict</c> order, flattened into one float32 array (integer buffers such
    /// as batch norm's <c>num_batches_tracked</c> become floats, exact up to 2^24).
    /// </summary>
    public virtual ModelWeights GetWeights()
    {
        var state = state_dict();
        var values = new float[state.Values.Sum(t => t.numel())];
        int offset = 0;
        foreach (var tensor in state.Values)
        {
            using var copy = tensor.detach().cpu().to(ScalarType.Float32).contiguous();
            var data = copy.data<float>();
            data.CopyTo(values, offset);
            offset += (int)data.Count;
        }

        return new ModelWeights(values);
    }

    /// <summary>Copies a <see cref="GetWeights"/> array back into the state, tensor by tensor.</summary>
    public virtual void SetWeights(ModelWeights weights)
    {
        var state = state_dict();
        long needed = state.Values.Sum(t => t.numel());
        if (weights.Values.Length != needed)
        {
            throw new ArgumentException($"Weights hold {weights.Values.Length} values; this {GetName()} needs {needed}.");
        }

        using var _ = no_grad();
        int offset = 0;
        foreach (var target in state.Values)
        {
            int count = (int)target.numel();
            using var values = tensor(weights.Values.AsSpan(offset, count).ToArray(), target.shape);
            target.copy_(values);
            offset += count;
        }
    }

    /// <summary>The initial weights, drawn from the given generator (never the global one), so cells stay reproducible.</summary>
    public abstract void Initialise(Generator generator);
}

using GridSearch.Training.Trainer;
using static TorchSharp.torch;

namespace GridSearch.Training.Model;

/// <summary>
/// What the trainer needs of a model: its forward pass, the targets and loss it trains on, how its outputs become
/// class predictions, its seeded initial weights, and its parameters as one flat array (for checkpoints, the winner and
/// weight files). Parameter names follow the PyTorch twin in python/gridsearch_models.py.
/// </summary>
public abstract class ClassifierModel(string name) : nn.Module<Tensor, Tensor>(name)
{
    /// <summary>What the loss compares a batch's outputs with, e.g. float [B,1] labels for BCE or class indices for CE.</summary>
    public abstract Tensor Targets(TrainingData data, Tensor indices);

    public abstract Tensor Loss(Tensor output, Tensor targets);

    /// <summary>The predicted class index of each image, int64 [B].</summary>
    public abstract Tensor Predict(Tensor output);

    /// <summary>How many values <see cref="GetWeights"/> holds.</summary>
    public abstract int ParameterCount { get; }

    public abstract ModelWeights GetWeights();

    public abstract void SetWeights(ModelWeights weights);

    /// <summary>The initial weights, drawn from the given generator (never the global one), so cells stay reproducible.</summary>
    public abstract void Initialise(Generator generator);
}

namespace GridSearch.Training.Trainer;

/// <summary>One configuration of the search: the hyperparameters and the search seed.</summary>
public sealed record TrainingPlan(double LearningRate, int BatchSize, int Epochs, long Seed)
{
    /// <summary>SGD momentum (PyTorch's: no dampening, no Nesterov); 0 is the baseline's plain SGD.</summary>
    public double Momentum { get; init; }

    /// <summary>L2 penalty added to the gradient, as PyTorch's optimizers do.</summary>
    public double WeightDecay { get; init; }

    /// <summary><c>sgd</c> or <c>adam</c> (PyTorch's defaults: betas 0.9 and 0.999, eps 1e-8).</summary>
    public string Optimizer { get; init; } = Optimizers.Sgd;

    /// <summary>The model and its architecture (the baseline's logistic regression by default).</summary>
    public Model.ModelSpec Model { get; init; } = GridSearch.Training.Model.ModelSpec.Default;

    /// <summary>Whether the optimizer keeps state between steps, which a checkpoint must then carry.</summary>
    public bool OptimizerHasState => Optimizer != Optimizers.Sgd || Momentum != 0;

    /// <summary>The hyperparameters for messages: <c>lr=0.01, batch size=16</c> and any that are not defaults.</summary>
    public string Describe() => $"lr={LearningRate}, batch size={BatchSize}"
                                + (Momentum != 0 ? $", momentum={Momentum}" : "")
                                + (WeightDecay != 0 ? $", weight decay={WeightDecay}" : "")
                                + (Optimizer != Optimizers.Sgd ? $", optimizer={Optimizer}" : "")
                                + (Model != GridSearch.Training.Model.ModelSpec.Default ? $", model={Model}" : "");

    /// <summary>Every problem with the plan at once, each naming the value and the fix; empty when valid.</summary>
    public IReadOnlyList<string> Problems(int trainCount)
    {
        var problems = new List<string>();
        // The model computes in float32: a rate that overflows or underflows there is no rate at all.
        if (!double.IsFinite(LearningRate) || LearningRate <= 0 || !float.IsFinite((float)LearningRate) || (float)LearningRate <= 0)
        {
            problems.Add($"learning rate {LearningRate} must be a finite number greater than 0 that fits a 32-bit float (for example 0.001)");
        }

        if (BatchSize < 1)
        {
            problems.Add($"batch size {BatchSize} must be at least 1");
        }
        else if (BatchSize > trainCount)
        {
            problems.Add($"batch size {BatchSize} is larger than the training split ({trainCount} images); use at most {trainCount}");
        }

        if (Epochs < 1)
        {
            problems.Add($"epochs {Epochs} must be at least 1");
        }

        if (!(Momentum >= 0 && Momentum < 1))
        {
            problems.Add($"momentum {Momentum} must be at least 0 and below 1");
        }

        if (!(WeightDecay >= 0 && float.IsFinite((float)WeightDecay)))
        {
            problems.Add($"weight decay {WeightDecay} must be 0 or a positive 32-bit float");
        }

        if (!GridSearch.Training.Model.ModelSpec.Names.Contains(Model.Name))
        {
            problems.Add($"model '{Model.Name}' must be one of {string.Join(", ", GridSearch.Training.Model.ModelSpec.Names)}");
        }
        else if (Model.Name == GridSearch.Training.Model.ModelSpec.Mlp
                 && (Model.Hidden < 1 || Model.HiddenLayers < 1 || !(Model.Dropout >= 0 && Model.Dropout < 1)))
        {
            problems.Add($"mlp needs hidden ≥ 1 (not {Model.Hidden}), layers ≥ 1 (not {Model.HiddenLayers}) and dropout in [0, 1) (not {Model.Dropout})");
        }
        else if (Model.Name == GridSearch.Training.Model.ModelSpec.Cnn && Model.Width < 1)
        {
            problems.Add($"cnn needs width ≥ 1 (not {Model.Width})");
        }

        if (Optimizer is not (Optimizers.Sgd or Optimizers.Adam))
        {
            problems.Add($"optimizer '{Optimizer}' must be sgd or adam");
        }

        return problems;
    }
}

/// <summary>
/// Where a run resumes: the number of epochs already completed, the weights after the last one and, for optimizers
/// with state (momentum, Adam), that state, so a resumed run takes exactly the steps an uninterrupted one would.
/// </summary>
public sealed record TrainingCheckpoint(int CompletedEpochs, Model.ModelWeights Weights, byte[]? OptimizerState = null);

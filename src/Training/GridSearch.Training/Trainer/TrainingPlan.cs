namespace GridSearch.Training.Trainer;

/// <summary>One configuration of the search: the hyperparameters and the search seed.</summary>
public sealed record TrainingPlan(double LearningRate, int BatchSize, int Epochs, long Seed)
{
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

        return problems;
    }
}

/// <summary>Where a trial resumes: the number of epochs already completed and the weights after the last one.</summary>
public sealed record TrainingCheckpoint(int CompletedEpochs, Model.ModelWeights Weights);

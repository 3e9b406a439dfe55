namespace GridSearch.Training.Trainer;

/// <summary>The loss stopped being a finite number: the cell cannot continue with this learning rate.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);

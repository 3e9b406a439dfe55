namespace GridSearch.Training.Trainer;

/// <summary>The optimizers the trainer knows, by the names plans carry.</summary>
public static class Optimizers
{
    public const string Sgd = "sgd";
    public const string Adam = "adam";

    public static readonly IReadOnlyList<string> Names = [Sgd, Adam];
}

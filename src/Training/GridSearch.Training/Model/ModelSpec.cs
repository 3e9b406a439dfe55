namespace GridSearch.Training.Model;

/// <summary>
/// Which model a cell trains and its architecture: <c>logistic</c> (the baseline's; softmax regression above two classes),
/// <c>mlp</c> (<see cref="HiddenLayers"/> hidden layers of <see cref="Hidden"/> units with ReLU and dropout) or
/// <c>cnn</c> (three conv–batch-norm–ReLU–pool blocks of <see cref="Width"/>, 2×, 4× channels and a linear head).
/// </summary>
public sealed record ModelSpec(string Name = ModelSpec.Logistic, int Hidden = 128, int HiddenLayers = 1, double Dropout = 0)
{
    public const string Logistic = "logistic";
    public const string Mlp = "mlp";
    public const string Cnn = "cnn";

    /// <summary>Every model name, for messages.</summary>
    public static readonly IReadOnlyList<string> Names = [Logistic, Mlp, Cnn];

    public static readonly ModelSpec Default = new();

    /// <summary>cnn: channels of the first block (the second has twice, the third four times as many).</summary>
    public int Width { get; init; } = 16;

    public override string ToString() => Name switch
    {
        Mlp => $"mlp({HiddenLayers}×{Hidden}, dropout {Dropout})",
        Cnn => $"cnn(width {Width})",
        _ => Name,
    };
}

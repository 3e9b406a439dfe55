namespace GridSearch.Training.Model;

/// <summary>
/// Which model a cell trains and its architecture: <c>logistic</c> (the seed's; softmax regression above two classes)
/// or <c>mlp</c> (<see cref="HiddenLayers"/> hidden layers of <see cref="Hidden"/> units with ReLU and dropout).
/// </summary>
public sealed record ModelSpec(string Name = ModelSpec.Logistic, int Hidden = 128, int HiddenLayers = 1, double Dropout = 0)
{
    public const string Logistic = "logistic";
    public const string Mlp = "mlp";

    public static readonly ModelSpec Default = new();

    public override string ToString() => Name == Mlp ? $"mlp({HiddenLayers}×{Hidden}, dropout {Dropout})" : Name;
}

namespace GridSearch.Abstractions;

/// <summary>The optimizers a cell may name (the catalog's <c>optimizer</c> choices).</summary>
public static class OptimizerNames
{
    public const string Sgd = "sgd";
    public const string Adam = "adam";

    public static readonly IReadOnlyList<string> All = [Sgd, Adam];
}

/// <summary>The models a cell may name (the catalog's <c>model</c> choices).</summary>
public static class ModelNames
{
    public const string Logistic = "logistic";
    public const string Mlp = "mlp";
    public const string Cnn = "cnn";

    public static readonly IReadOnlyList<string> All = [Logistic, Mlp, Cnn];
}

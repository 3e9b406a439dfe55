namespace GridSearch.Abstractions;

/// <summary>
/// Every hyperparameter a sweep may set, in the order cells are laid out (the grid's outermost loop first, the epoch
/// count innermost). A new trainer parameter is one entry here plus its use in the trainer's plan.
/// </summary>
public static class ParameterCatalog
{
    public const string LearningRate = "lr";
    public const string BatchSize = "batch_size";
    public const string Epochs = "epochs";
    public const string Momentum = "momentum";
    public const string WeightDecay = "weight_decay";
    public const string Optimizer = "optimizer";
    public const string Model = "model";
    public const string Hidden = "hidden";
    public const string Layers = "layers";
    public const string Dropout = "dropout";
    public const string Width = "width";

    public static readonly IReadOnlyList<ParameterDefinition> All =
    [
        new(LearningRate, ParameterKind.Float, "learning rate", "--lr", Default: null, IdPrefix: "lr",
            IsValidNumber: SweepSpecRules.IsPositiveFloat32,
            Rule: $"must be a finite number greater than 0 that fits the model's 32-bit floats (at most {float.MaxValue:G9}, at least {float.Epsilon:G9}), for example 0.001"),
        new(BatchSize, ParameterKind.Integer, "batch size", "--batch-size", Default: null, IdPrefix: "bs",
            IsValidNumber: b => b >= 1, Rule: "must be at least 1"),
        new(Momentum, ParameterKind.Float, "momentum", "--momentum", ParameterValue.Of(0), IdPrefix: "mom",
            IsValidNumber: m => m >= 0 && m < 1, Rule: "must be at least 0 and below 1, for example 0.9"),
        new(WeightDecay, ParameterKind.Float, "weight decay", "--weight-decay", ParameterValue.Of(0), IdPrefix: "wd",
            IsValidNumber: w => w == 0 || SweepSpecRules.IsPositiveFloat32(w), Rule: "must be 0 or a positive 32-bit float, for example 0.0001"),
        new(Optimizer, ParameterKind.Choice, "optimizer", "--optimizer", ParameterValue.Of(OptimizerNames.Sgd), IdPrefix: "", Choices: [.. OptimizerNames.All]),
        new(Model, ParameterKind.Choice, "model", "--model", ParameterValue.Of(ModelNames.Logistic), IdPrefix: "",
            Choices: [.. ModelNames.All]),
        new(Hidden, ParameterKind.Integer, "hidden units", "--hidden", ParameterValue.Of(128), IdPrefix: "h",
            IsValidNumber: h => h >= 1 && h <= 65_536, Rule: "must be between 1 and 65,536", OnlyForModel: ModelNames.Mlp),
        new(Layers, ParameterKind.Integer, "hidden layers", "--layers", ParameterValue.Of(1), IdPrefix: "l",
            IsValidNumber: l => l >= 1 && l <= 16, Rule: "must be between 1 and 16", OnlyForModel: ModelNames.Mlp),
        new(Dropout, ParameterKind.Float, "dropout", "--dropout", ParameterValue.Of(0), IdPrefix: "do",
            IsValidNumber: d => d >= 0 && d < 1, Rule: "must be at least 0 and below 1", OnlyForModel: ModelNames.Mlp),
        new(Width, ParameterKind.Integer, "cnn width", "--width", ParameterValue.Of(16), IdPrefix: "w",
            IsValidNumber: w => w >= 1 && w <= 1024, Rule: "must be between 1 and 1,024 (channels of the first block)", OnlyForModel: ModelNames.Cnn),
        new(Epochs, ParameterKind.Integer, "epochs", "--epochs", Default: null, IdPrefix: "ep",
            IsValidNumber: e => e >= 1, Rule: "must be at least 1"),
    ];

    private static readonly Dictionary<string, ParameterDefinition> ByName = All.ToDictionary(p => p.Name);

    public static ParameterDefinition? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>Position in the layout order, for sorting.</summary>
    public static int Order(string name) => ByName.TryGetValue(name, out var definition) ? IndexOf(definition) : int.MaxValue;

    /// <summary>
    /// What is wrong with one cell's values, in the words sweeps are checked with (<see cref="ParameterDefinition.Problem"/>):
    /// unknown names and values outside their rules, every one at once. Data-dependent checks (a batch larger than the
    /// training split) are the trainer's.
    /// </summary>
    public static IReadOnlyList<string> Problems(IReadOnlyDictionary<string, ParameterValue> values) => values
        .OrderBy(pair => Order(pair.Key))
        .Select(pair => Find(pair.Key) is { } definition ? definition.Problem(pair.Value) : UnknownProblem(pair.Key))
        .OfType<string>()
        .ToList();

    /// <summary>"unknown parameter 'x'; the parameters are: …" with the closest name suggested.</summary>
    public static string UnknownProblem(string name)
    {
        string known = string.Join(", ", All.Select(p => p.Name));
        var closest = All.Select(p => p.Name).MinBy(candidate => Distance(candidate, name.ToLowerInvariant()));
        string hint = closest is not null && Distance(closest, name.ToLowerInvariant()) <= 3 ? $" (did you mean '{closest}'?)" : "";
        return $"unknown parameter '{name}'{hint}; the parameters are: {known}";
    }

    private static int IndexOf(ParameterDefinition definition)
    {
        for (int i = 0; i < All.Count; i++)
        {
            if (ReferenceEquals(All[i], definition))
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    // Levenshtein distance, for "did you mean" on short parameter names.
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}

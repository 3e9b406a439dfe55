using System.Globalization;

namespace GridSearch.Abstractions;

/// <summary>
/// One cell of a sweep: a value for every hyperparameter in <see cref="ParameterCatalog"/>. The three every sweep
/// sets are fields; the others are kept only where they differ from their defaults, so a cell of the baseline's grid is
/// the same value (and has the same id) as before those parameters existed. A cell of a user's program holds the
/// program's own parameters in <see cref="Own"/> instead, and of the fields only <see cref="Epochs"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridsearch.TrialParameters")]
public sealed record CellParameters(
    [property: Id(0)] double LearningRate,
    [property: Id(1)] int BatchSize,
    [property: Id(2)] int Epochs)
{
    /// <summary>The other parameters' values that are not their defaults, in catalog order.</summary>
    [Id(3)] public ParameterSetting[] Extra { get; init; } = [];

    /// <summary>A program's parameters, by the user's names in the sweep's order (epochs aside); null for the built-in models.</summary>
    [Id(4)] public ParameterSetting[]? Own { get; init; }

    public bool IsProgram => Own is not null;

    public double Momentum => Number(ParameterCatalog.Momentum);

    public double WeightDecay => Number(ParameterCatalog.WeightDecay);

    public string Optimizer => Get(ParameterCatalog.Optimizer).Text ?? OptimizerNames.Sgd;

    public string Model => Get(ParameterCatalog.Model).Text ?? ModelNames.Logistic;

    public int Hidden => (int)Number(ParameterCatalog.Hidden);

    public int Layers => (int)Number(ParameterCatalog.Layers);

    public double Dropout => Number(ParameterCatalog.Dropout);

    public int Width => (int)Number(ParameterCatalog.Width);

    /// <summary>
    /// Builds a cell from a value per name; names left out take their defaults, and architecture parameters of another
    /// model than the cell's are dropped (a logistic cell has no hidden layers), so such cells are one cell.
    /// </summary>
    public static CellParameters From(IReadOnlyDictionary<string, ParameterValue> values)
    {
        int Whole(string name) => (int)values[name].Number;
        string model = values.TryGetValue(ParameterCatalog.Model, out var chosen) && chosen.Text is { } name ? name : ModelNames.Logistic;
        var extra = ParameterCatalog.All
            .Where(p => p.Default is not null && values.TryGetValue(p.Name, out var value) && value != p.Default)
            .Where(p => p.OnlyForModel is null || p.OnlyForModel == model)
            .Select(p => new ParameterSetting(p.Name, values[p.Name]))
            .ToArray();
        return new CellParameters(values[ParameterCatalog.LearningRate].Number, Whole(ParameterCatalog.BatchSize),
            Whole(ParameterCatalog.Epochs)) { Extra = extra };
    }

    /// <summary>A program's cell: its own values in the order given, and the run's length.</summary>
    public static CellParameters ForProgram(IEnumerable<ParameterSetting> own, int epochs) =>
        new(0, 0, epochs) { Own = own.Where(s => s.Name != ParameterCatalog.Epochs).ToArray() };

    /// <summary>The cell a sweep's searcher makes of one value per dimension.</summary>
    public static CellParameters For(SweepSpec spec, IReadOnlyDictionary<string, ParameterValue> values) => spec.Program is null
        ? From(values)
        : ForProgram(spec.Space.Select(d => new ParameterSetting(d.Name, values[d.Name])), (int)values[ParameterCatalog.Epochs].Number);

    /// <summary>The value of one parameter (its default when the cell does not set it).</summary>
    public ParameterValue Get(string name) => Own is not null
        ? name == ParameterCatalog.Epochs ? ParameterValue.Of(Epochs)
          : Own.FirstOrDefault(s => s.Name == name)?.Value ?? ParameterCatalog.Find(name)?.Default
          ?? throw new ArgumentException($"the program's cell has no parameter '{name}'", nameof(name))
        : name switch
    {
        ParameterCatalog.LearningRate => ParameterValue.Of(LearningRate),
        ParameterCatalog.BatchSize => ParameterValue.Of(BatchSize),
        ParameterCatalog.Epochs => ParameterValue.Of(Epochs),
        _ => Extra.FirstOrDefault(s => s.Name == name)?.Value
             ?? ParameterCatalog.Find(name)?.Default
             ?? throw new ArgumentException($"unknown parameter '{name}'", nameof(name)),
    };

    /// <summary>
    /// Every parameter's value in catalog order, defaults included, less the architecture parameters of other models:
    /// results.json's <c>params</c>.
    /// </summary>
    public IReadOnlyList<ParameterSetting> Values => Own is not null
        ? [.. Own, new ParameterSetting(ParameterCatalog.Epochs, ParameterValue.Of(Epochs))]
        : ParameterCatalog.All
            .Where(p => p.OnlyForModel is null || p.OnlyForModel == Model)
            .Select(p => new ParameterSetting(p.Name, Get(p.Name))).ToArray();

    /// <summary>The same cell trained for another number of epochs.</summary>
    public CellParameters WithEpochs(int epochs) => this with { Epochs = epochs };

    /// <summary>
    /// A stable name built from the parameters only: <c>lr0.01-bs16-ep5</c>, followed by the parameters that differ
    /// from their defaults (<c>-mom0.9-wd0.0001-adam</c>). A program's cell is named by its own parameters the same way
    /// (<c>lr0.1-layers2-ep5</c>), each text value with the characters a folder name cannot hold escaped.
    /// </summary>
    public string CellId => Own is not null
        ? string.Concat(Own.Select(s => $"{s.Name}{(s.Value.IsText ? Escaped(s.Value.Text!) : s.Value.ToString())}-")) + $"ep{Epochs}"
        : string.Create(CultureInfo.InvariantCulture,
        $"lr{ParameterValue.Of(LearningRate)}-bs{BatchSize}-ep{Epochs}")
        + string.Concat(Extra.Select(s => $"-{ParameterCatalog.Find(s.Name)?.IdPrefix}{s.Value}"));

    public bool Equals(CellParameters? other) => other is not null && LearningRate.Equals(other.LearningRate)
        && BatchSize == other.BatchSize && Epochs == other.Epochs && Extra.SequenceEqual(other.Extra)
        && (Own is null ? other.Own is null : other.Own is not null && Own.SequenceEqual(other.Own));

    public override int GetHashCode() => (Own ?? []).Concat(Extra).Aggregate(HashCode.Combine(LearningRate, BatchSize, Epochs),
        (hash, setting) => HashCode.Combine(hash, setting));

    // Letters, digits, '.', '_' and '+' stay; anything else (the '-' between parameters too) becomes ~XX per UTF-8 byte,
    // so ids stay one path segment and two cells never share one.
    private static string Escaped(string value)
    {
        var text = new System.Text.StringBuilder(value.Length);
        foreach (byte b in System.Text.Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '+' ? c.ToString() : $"~{b:X2}");
        }

        return text.ToString();
    }

    private double Number(string name) => Get(name).Number;
}

using System.ComponentModel;
using GridSearch.Abstractions;
using Spectre.Console.Cli;

namespace GridSearch.Client.Commands;

/// <summary>Options of <c>gridsearch run</c>: the grid, the data and how the embedded silo trains.</summary>
public sealed class SweepSettings : DataSettings
{
    [CommandOption("--lr <LIST>")]
    [Description("Learning rates, comma-separated. Default: 0.01,0.001.")]
    public string LearningRates { get; init; } = "0.01,0.001";

    [CommandOption("--batch-size <LIST>")]
    [Description("Batch sizes, comma-separated. Default: 16,32.")]
    public string BatchSizes { get; init; } = "16,32";

    [CommandOption("--epochs <LIST>")]
    [Description("Epoch counts, comma-separated. Default: 5,10.")]
    public string Epochs { get; init; } = "5,10";

    [CommandOption("--sweep-id <ID>")]
    [Description("Name of the sweep (letters, digits, '.', '_', '-'). Default: a new time-based id.")]
    public string? SweepId { get; init; }

    [CommandOption("--max-concurrent <N>")]
    [Description("Most trials running at once. Default: 0 = as many as there are trainer slots.")]
    [DefaultValue(0)]
    public int MaxConcurrent { get; init; }

    [CommandOption("--retries <N>")]
    [Description("Retries of a failing trial before it is marked Failed. Default: 1.")]
    [DefaultValue(1)]
    public int Retries { get; init; }

    [CommandOption("--out <DIR>")]
    [Description("Where results.json, results.csv, curves.png and the winner's weights go. Default: ./runs/<sweep-id>.")]
    public string? Out { get; init; }

    [CommandOption("--allow-large-grid")]
    [Description("Accept grids of more than 10,000 cells.")]
    public bool AllowLargeGrid { get; init; }

    [CommandOption("--no-shared-prefix")]
    [Description("Train every cell separately, even those that differ only in their epoch count.")]
    public bool NoSharedPrefix { get; init; }

    public SweepSpec ToSpec(string dataRoot) => new()
    {
        LearningRates = ListParsing.Doubles("--lr", LearningRates),
        BatchSizes = ListParsing.Integers("--batch-size", BatchSizes),
        Epochs = ListParsing.Integers("--epochs", Epochs),
        Seed = Seed,
        DataRoot = dataRoot,
        MaxConcurrentTrials = MaxConcurrent,
        RetriesPerTrial = Retries,
        AllowLargeGrid = AllowLargeGrid,
        SkipBadImages = SkipBadImages,
        MaxImagePixels = MaxImagePixels,
        SharedPrefix = !NoSharedPrefix,
    };
}

using System.ComponentModel;
using GridSearch.Abstractions;
using GridSearch.Client.SweepFiles;
using Spectre.Console.Cli;

namespace GridSearch.Client.Commands;

/// <summary>
/// Options of <c>gridsearch run</c> and <c>submit</c>: the search space, searcher and scheduler (from a sweep file,
/// options overriding it), the data and how the embedded silo trains.
/// </summary>
public sealed class SweepSettings : DataSettings
{
    [CommandOption("--config <FILE>")]
    [Description("Sweep file (YAML or JSON): data, seed, search, scheduler and parameters. Options given here override it.")]
    public string? Config { get; init; }

    [CommandOption("--lr <LIST>")]
    [Description("Learning rates, comma-separated. Default: 0.01,0.001.")]
    public string? LearningRates { get; init; }

    [CommandOption("--batch-size <LIST>")]
    [Description("Batch sizes, comma-separated. Default: 16,32.")]
    public string? BatchSizes { get; init; }

    [CommandOption("--epochs <LIST>")]
    [Description("Epoch counts, comma-separated. Default: 5,10.")]
    public string? Epochs { get; init; }

    [CommandOption("--momentum <LIST>")]
    [Description("SGD momentum values, comma-separated (0 is plain SGD). Default: 0.")]
    public string? Momentum { get; init; }

    [CommandOption("--weight-decay <LIST>")]
    [Description("Weight decay (L2) values, comma-separated. Default: 0.")]
    public string? WeightDecay { get; init; }

    [CommandOption("--optimizer <LIST>")]
    [Description("Optimizers, comma-separated: sgd, adam. Default: sgd.")]
    public string? Optimizer { get; init; }

    [CommandOption("--model <LIST>")]
    [Description("Models, comma-separated: logistic (the baseline's; softmax regression above two classes), mlp, cnn. Default: logistic.")]
    public string? Model { get; init; }

    [CommandOption("--hidden <LIST>")]
    [Description("mlp: units per hidden layer, comma-separated. Default: 128.")]
    public string? Hidden { get; init; }

    [CommandOption("--layers <LIST>")]
    [Description("mlp: hidden layers, comma-separated. Default: 1.")]
    public string? Layers { get; init; }

    [CommandOption("--dropout <LIST>")]
    [Description("mlp: dropout after each hidden layer, comma-separated. Default: 0.")]
    public string? Dropout { get; init; }

    [CommandOption("--width <LIST>")]
    [Description("cnn: channels of the first of its three blocks (then 2× and 4×), comma-separated. Default: 16.")]
    public string? Width { get; init; }

    [CommandOption("--search <NAME>")]
    [Description("How cells are chosen: grid (every combination), random (--samples draws), tpe (--samples cells, each proposed from the results so far) or bohb (tpe's cells in --scheduler hyperband's brackets). Default: grid.")]
    public string? Search { get; init; }

    [CommandOption("--samples <N>")]
    [Description("With --search random, tpe or bohb: how many distinct cells to try.")]
    public int? Samples { get; init; }

    [CommandOption("--scheduler <NAME>")]
    [Description("Early stopping: fifo (none), halving (successive halving, deterministic), asha (asynchronous), median, hyperband (brackets of successive halving; with --search random or bohb), pbt (population-based training: every --pbt-interval epochs the worst quarter goes on from the best's checkpoints with explored values). Default: fifo.")]
    public string? Scheduler { get; init; }

    [CommandOption("--eta <N>")]
    [Description("halving, asha and hyperband: the best 1/N of the cells at each rung go on. Default: 3.")]
    public int? ReductionFactor { get; init; }

    [CommandOption("--min-epochs <N>")]
    [Description("halving and asha: the first rung (rungs at N, N·eta, N·eta², …); median: the grace period. Default: 1.")]
    public int? MinEpochs { get; init; }

    [CommandOption("--pbt-interval <N>")]
    [Description("pbt: rank the population, and let its worst copy its best, every N epochs. Default: 2.")]
    public int? PbtInterval { get; init; }

    [CommandOption("--pbt-quantile <Q>")]
    [Description("pbt: the share of the population in the bottom (that copies) and in the top (that is copied), above 0 and at most 0.5. Default: 0.25.")]
    public double? PbtQuantile { get; init; }

    [CommandOption("--sweep-id <ID>")]
    [Description("Name of the sweep (letters, digits, '.', '_', '-'). Default: a new time-based id.")]
    public string? SweepId { get; init; }

    [CommandOption("--max-concurrent <N>")]
    [Description("Most runs training at once (a fused group counts as one). Default: 0 = as many as there are trainer slots.")]
    public int? MaxConcurrent { get; init; }

    [CommandOption("--retries <N>")]
    [Description("Retries of a failing run before its cells are marked Failed; a run that diverges (its loss or weights stop being finite) fails at once, since a retry would diverge again. Default: 1.")]
    public int? Retries { get; init; }

    [CommandOption("--out <DIR>")]
    [Description("Where results.json, results.csv, curves.png, summary.png and the winner's weights go. Default: ./runs/<sweep-id>.")]
    public string? Out { get; init; }

    [CommandOption("--allow-large-grid")]
    [Description("Accept sweeps of more than 10,000 cells.")]
    public bool AllowLargeGrid { get; init; }

    [CommandOption("--no-shared-prefix")]
    [Description("Train every cell separately, even those that differ only in their epoch count.")]
    public bool NoSharedPrefix { get; init; }

    [CommandOption("--no-fuse")]
    [Description("Train every run alone, with the numbers of releases before fused training. By default runs of the logistic model "
                 + "that differ only in learning rate, momentum or weight decay train as fused groups, one pass over the data per group.")]
    public bool NoFuse { get; init; }

    [CommandOption("--command <COMMAND>")]
    [Description("Tune your own program: the command that trains one run, with {name} for the cell's value of a parameter " +
                 "(for example 'python3 train.py --lr {lr}'). It reports each epoch on standard output with a line " +
                 "GRIDSEARCH_REPORT {\"epoch\": N, \"val_accuracy\": ...}; see 'Tune your own code' in docs/user-guide.md.")]
    public string? Command { get; init; }

    [CommandOption("--max-epochs <N>")]
    [Description("Epoch budget: once the sweep has trained N epochs in all, cells still training stop where they are, cells not started are not, and the sweep ends with the best so far. Default: no limit.")]
    public int? MaxEpochs { get; init; }

    [CommandOption("--time-budget <DURATION>")]
    [Description("Wall-time budget (90s, 10m, 2h, 1h30m; resumes included): when it runs out the sweep ends as for --max-epochs. Default: no limit.")]
    public string? TimeBudget { get; init; }

    [CommandOption("--from <SWEEP>")]
    [Description("Warm start: tpe (or bohb) starts from the finished cells of an earlier sweep over the same parameters and objective, in the same state or cluster, as if they came first; --samples counts only this sweep's new cells.")]
    public string? From { get; init; }

    [CommandOption("--test-command <COMMAND>")]
    [Description("With --command (or program:): run once for the winner, in its run folder as it was at its best epoch, with {name} as in --command. " +
                 "It prints its numbers as one line GRIDSEARCH_REPORT {\"test_accuracy\": ...}, which results.json keeps under test.")]
    public string? TestCommand { get; init; }

    [CommandOption("--gpus <N>")]
    [Description("With --command (or program:): GPUs each run gets to itself, through CUDA_VISIBLE_DEVICES; runs wait while too few are free. Default: 0 (the program sees no GPU on a trainer that hands them out).")]
    public int? Gpus { get; init; }

    [CommandOption("--gpu-memory <SIZE>")]
    [Description("With --gpus: device memory a run reserves on each of its GPUs (for example 4GiB or 512MiB), so several small runs share a device while theirs fit. Default: each run has its devices to itself.")]
    public string? GpuMemory { get; init; }

    [CommandOption("--param <NAME=LIST>")]
    [Description("A parameter and its values, comma-separated; repeat for more (--param lr=0.1,0.01 --param layers=1,2). " +
                 "A program's parameters take any name, numbers or texts; for the built-in models the name is one of the catalog's.")]
    public string[]? Params { get; init; }

    [CommandOption("--metric <NAME>")]
    [Description("The metric the program reports that the sweep optimises. Default: val_accuracy.")]
    public string? Metric { get; init; }

    [CommandOption("--mode <MODE>")]
    [Description("max (higher is better, the default) or min (lower is better, for a loss).")]
    public string? Mode { get; init; }

    [CommandOption("--group-size <N>")]
    [Description("Most runs in one fused group (1 to 256). Default: automatic, 16 on CPU trainers and on a GPU as many as its free memory holds (up to 256).")]
    public int? GroupSize { get; init; }

    private SweepFile? _file;

    /// <summary>The --config file, read once (null without --config).</summary>
    public SweepFile? File => Config is null ? null : _file ??= SweepFileReader.Read(Config);

    public override long Seed => SeedOption ?? File?.Seed ?? 0;

    public override string? DataRoot => Data ?? File?.Data;

    /// <summary>Whether the runs are the user's own program (--command, or program: in the sweep file).</summary>
    public bool IsProgram => Command is not null || File?.Program is not null;

    public override int ImageSize => ImageSizeOption ?? File?.ImageSize ?? GridSearch.Abstractions.SweepSpec.DefaultImageSize;

    public SweepSpec ToSpec(string dataRoot)
    {
        var file = File;
        var space = IsProgram
            ? SearchSpace.MergeInOrder(file?.Parameters ?? [], CommandLineDimensions())
            : SearchSpace.Merge(file?.Parameters ?? [], CommandLineDimensions());
        var defaults = new SweepSpec();
        var scheduler = file?.Scheduler ?? defaults.Scheduler;
        return new SweepSpec
        {
            Parameters = space,
            LearningRates = SearchSpace.Numbers(space, ParameterCatalog.LearningRate).ToArray(),
            BatchSizes = SearchSpace.Numbers(space, ParameterCatalog.BatchSize).Select(v => (int)v).ToArray(),
            Epochs = SearchSpace.Numbers(space, ParameterCatalog.Epochs).Select(v => (int)v).ToArray(),
            Search = Search ?? file?.Search ?? defaults.Search,
            Samples = Samples ?? file?.Samples ?? 0,
            MaxEpochs = MaxEpochs ?? file?.MaxEpochs ?? 0,
            TimeBudget = TimeBudget is null ? file?.TimeBudget
                : ProgramFileReader.ParseDuration(TimeBudget)
                  ?? throw new UserInputException($"--time-budget '{TimeBudget}' is not a duration; use a number with a unit, such as 90s, 10m, 2h or 1h30m."),
            Scheduler = scheduler with
            {
                Name = Scheduler ?? scheduler.Name,
                ReductionFactor = ReductionFactor ?? scheduler.ReductionFactor,
                MinEpochs = MinEpochs ?? scheduler.MinEpochs,
                Interval = PbtInterval ?? scheduler.Interval,
                Quantile = PbtQuantile ?? scheduler.Quantile,
            },
            Seed = Seed,
            DataRoot = dataRoot,
            TrainFraction = file?.TrainFraction ?? defaults.TrainFraction,
            ValidationFraction = file?.ValidationFraction ?? defaults.ValidationFraction,
            MaxConcurrent = MaxConcurrent ?? file?.MaxConcurrent ?? 0,
            RetriesPerRun = Retries ?? file?.Retries ?? defaults.RetriesPerRun,
            AllowLargeGrid = AllowLargeGrid,
            SkipBadImages = SkipBadImages,
            MaxImagePixels = MaxImagePixels,
            ImageSize = ImageSize,
            SharedPrefix = !NoSharedPrefix && (file?.SharedPrefix ?? true),
            Fuse = !NoFuse && (file?.Fuse ?? true),
            FusedGroupSize = GroupSize ?? file?.GroupSize ?? SweepSpec.AutomaticFusedGroupSize,
            Program = ProgramOf(file),
            // The earlier sweep's results are read once connected (SweepSubmission.WarmStartAsync); the rules see the intent now.
            WarmStart = (From ?? file?.From) is { } from ? new WarmStart(from, []) : null,
            Metric = Metric ?? file?.Metric,
            Mode = ParsedMode ?? file?.Mode ?? MetricMode.Max,
        };
    }

    // The sweep file's program: with the command line's words and devices over it.
    private ProgramSpec? ProgramOf(SweepFile? file)
    {
        var program = Command is null
            ? file?.Program
            : (file?.Program ?? new ProgramSpec { WorkingDirectory = Environment.CurrentDirectory }) with { Command = [.. CommandWords.Split(Command)] };
        if (program is null)
        {
            return Gpus is null && GpuMemory is null && TestCommand is null ? null
                : throw new UserInputException("--gpus, --gpu-memory and --test-command are for your own program: give --command (or program: in the sweep file); " +
                                               "the built-in models choose their device with --device and test their winner on the test split.");
        }

        return program with
        {
            Gpus = Gpus ?? program.Gpus,
            TestCommand = TestCommand is null ? program.TestCommand : [.. CommandWords.Split(TestCommand)],
            GpuMemoryBytes = GpuMemory is null ? program.GpuMemoryBytes
                : ProgramFileReader.ParseMemory(GpuMemory)
                  ?? throw new UserInputException($"--gpu-memory '{GpuMemory}' is not a size of device memory; give it with a unit, such as 4GiB or 512MiB."),
        };
    }

    private IEnumerable<SearchDimension> CommandLineDimensions()
    {
        var given = new (string Name, string? Text)[]
        {
            (ParameterCatalog.LearningRate, LearningRates), (ParameterCatalog.BatchSize, BatchSizes),
            (ParameterCatalog.Epochs, Epochs), (ParameterCatalog.Momentum, Momentum),
            (ParameterCatalog.WeightDecay, WeightDecay), (ParameterCatalog.Optimizer, Optimizer),
            (ParameterCatalog.Model, Model), (ParameterCatalog.Hidden, Hidden), (ParameterCatalog.Layers, Layers),
            (ParameterCatalog.Dropout, Dropout), (ParameterCatalog.Width, Width),
        };
        return given.Where(g => g.Text is not null)
            .Select(g => new SearchDimension(g.Name, ListParsing.Values(ParameterCatalog.Find(g.Name)!, g.Text!)))
            .Concat((Params ?? []).Select(ParamDimension));
    }

    private SearchDimension ParamDimension(string text)
    {
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        string name = equals < 0 ? text : text[..equals].Trim();
        if (equals < 1 || name.Length == 0)
        {
            throw new UserInputException($"--param '{text}' needs a name and values: --param NAME=VALUE[,VALUE...], for example --param lr=0.1,0.01.");
        }

        string values = text[(equals + 1)..];
        if (IsProgram && name != ParameterCatalog.Epochs)
        {
            return SweepSpecRules.IsValidProgramParameterName(name)
                ? new SearchDimension(name, ListParsing.NumbersOrTexts($"--param {name}", values))
                : throw new UserInputException($"--param '{text}': '{name}' cannot name a program's parameter; use 1-64 letters, digits or '_', not starting with a digit.");
        }

        return ParameterCatalog.Find(name) is { } definition
            ? new SearchDimension(name, ListParsing.Values(definition, values))
            : throw new UserInputException($"--param '{text}': {ParameterCatalog.UnknownProblem(name)}.");
    }

    private MetricMode? ParsedMode => Mode switch
    {
        null => null,
        "max" => MetricMode.Max,
        "min" => MetricMode.Min,
        _ => throw new UserInputException($"--mode '{Mode}' is not a mode; use max (higher is better) or min (lower is better)."),
    };

    public override ValidationResult Validate() =>
        Samples is < 1 ? ValidationResult.Error($"--samples {Samples} must be at least 1.")
        : ReductionFactor is < 2 ? ValidationResult.Error($"--eta {ReductionFactor} must be at least 2.")
        : MinEpochs is < 1 ? ValidationResult.Error($"--min-epochs {MinEpochs} must be at least 1.")
        : PbtInterval is < 1 ? ValidationResult.Error($"--pbt-interval {PbtInterval} must be at least 1 epoch.")
        : PbtQuantile is not null and not (> 0 and <= 0.5) ? ValidationResult.Error($"--pbt-quantile {PbtQuantile} must be above 0 and at most 0.5.")
        : GroupSize is < 1 or > SweepSpecRules.MaxFusedGroupSize
            ? ValidationResult.Error($"--group-size {GroupSize} must be between 1 (every run alone, like --no-fuse) and {SweepSpecRules.MaxFusedGroupSize}.")
        : Gpus is < 0 ? ValidationResult.Error($"--gpus {Gpus} must be 0 or more.")
        : MaxConcurrent is < 0 ? ValidationResult.Error($"--max-concurrent {MaxConcurrent} must be 0 (as many as there are trainer slots) or more.")
        : base.Validate();
}

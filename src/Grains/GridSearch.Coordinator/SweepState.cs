using GridSearch.Abstractions;
using GridSearch.Coordinator.Scheduling;

namespace GridSearch.Coordinator;

/// <summary>A coordinator's durable record of its sweep (small: no weights; those live in <see cref="WinnerState"/>).</summary>
[GenerateSerializer, Alias("gridsearch.SweepState")]
public sealed class SweepState : ISweepView
{
    IReadOnlyList<ICellView> ISweepView.Cells => Cells;

    IReadOnlyCollection<int> ISweepView.DecidedRungs => DecidedRungs;

    IReadOnlyList<PbtExploit> ISweepView.Exploits => Exploits;

    [Id(0)] public SweepSpec? Spec { get; set; }

    [Id(1)] public SweepStatus Status { get; set; }

    [Id(2)] public DatasetSummary? Dataset { get; set; }

    [Id(3)] public List<CellRecord> Cells { get; set; } = [];

    [Id(4)] public List<RunRecord> Runs { get; set; } = [];

    [Id(5)] public BestCell? Best { get; set; }

    [Id(6)] public int BestGridIndex { get; set; }

    [Id(7)] public double? TestAccuracy { get; set; }

    [Id(8)] public string? Message { get; set; }

    [Id(9)] public DateTimeOffset CreatedAt { get; set; }

    [Id(10)] public DateTimeOffset? FinishedAt { get; set; }

    [Id(11)] public int EpochsTrained { get; set; }

    [Id(12)] public double TrainSeconds { get; set; }

    /// <summary>Wall-clock seconds spent running in earlier processes (a resumed sweep adds its own).</summary>
    [Id(13)] public double EarlierActiveSeconds { get; set; }

    /// <summary>
    /// Minted when the sweep is created and carried by every assignment and checkpoint: state left behind by another
    /// sweep that once had the same id is never taken for this one's.
    /// </summary>
    [Id(14)] public string? Incarnation { get; set; }

    /// <summary>Since when the sweep has work left and no trainer silo to give it to; null while trainers are there.</summary>
    [Id(15)] public DateTimeOffset? WaitingForTrainersSince { get; set; }

    /// <summary>Failed attempts to test the winner; retried like runs, up to the spec's retry limit.</summary>
    [Id(16)] public int TestFailures { get; set; }

    /// <summary>When the next attempt to test the winner may start (after a failed one).</summary>
    [Id(17)] public DateTimeOffset? TestRetryAfter { get; set; }

    /// <summary>The rungs (epochs) at which synchronous successive halving has made its decision.</summary>
    [Id(18)] public List<int> DecidedRungs { get; set; } = [];

    /// <summary>The winner's confusion matrix on the test split (true × predicted class, row by row).</summary>
    [Id(19)] public long[]? TestConfusion { get; set; }

    /// <summary>The fused groups the runs were put into when the sweep was created (empty when nothing fuses).</summary>
    [Id(20)] public List<FusedGroupRecord> Groups { get; set; } = [];

    /// <summary>
    /// Whether a searcher that learns from results has no cell left to propose (its budget spent, or every cell of its
    /// space tried). Searchers that lay out every cell when the sweep is created never set it.
    /// </summary>
    [Id(21)] public bool SearchEnded { get; set; }

    /// <summary>What the winner's test command reported (a user's program with a <c>test_command</c>); null otherwise.</summary>
    [Id(22)] public Dictionary<string, double>? TestMetrics { get; set; }

    /// <summary>Which budget ended the sweep's training, as its message says it ("its epoch budget ... was spent"); null while none has.</summary>
    [Id(23)] public string? BudgetSpent { get; set; }

    /// <summary>Population-based training's decisions, in the order made (stored before any is carried out).</summary>
    [Id(24)] public List<PbtExploit> Exploits { get; set; } = [];

    /// <summary>
    /// How many of <see cref="Exploits"/>, in order, have had their checkpoint copied: the donors and recipients of the
    /// others wait, so a copy always reads the donor's checkpoint at the decision's epoch.
    /// </summary>
    [Id(25)] public int ExploitsCopied { get; set; }

    /// <summary>
    /// Runs the scheduler ended while a trainer was still on them, to be stopped there. Not persisted: after a crash
    /// no trainer is on them any more (a trainer that still is finds its reports ignored).
    /// </summary>
    public List<string> RunsToStop => _runsToStop ??= [];

    [NonSerialized]
    private List<string>? _runsToStop;

    [NonSerialized]
    private Dictionary<string, RunRecord>? _runsById;

    [NonSerialized]
    private List<RunRecord>? _indexedRuns;

    /// <summary>
    /// The run with this id, or null: a lookup by id (every epoch report makes one), kept beside the list and rebuilt
    /// when the list is replaced or grows (runs are made when the sweep is created, never removed).
    /// </summary>
    public RunRecord? FindRun(string id)
    {
        if (_runsById is null || !ReferenceEquals(_indexedRuns, Runs) || _runsById.Count != Runs.Count)
        {
            _runsById = Runs.ToDictionary(run => run.Id, StringComparer.Ordinal);
            _indexedRuns = Runs;
        }

        return _runsById.GetValueOrDefault(id);
    }
}

/// <summary>The file list a sweep's data set had when the sweep started, to say what changed if it no longer matches.</summary>
[GenerateSerializer, Alias("gridsearch.DatasetManifestState")]
public sealed class DatasetManifestState
{
    [Id(0)] public DataManifest? Manifest { get; set; }
}

/// <summary>One cell of the sweep: a value for every parameter, and what training it has recorded.</summary>
[GenerateSerializer, Alias("gridsearch.TrialRecord")]
public sealed class CellRecord : ICellView
{
    IReadOnlyList<EpochMetrics> ICellView.Epochs => Epochs;

    [Id(0)] public string Id { get; set; } = "";

    [Id(1)] public CellParameters Parameters { get; set; } = new(0, 0, 0);

    [Id(2)] public int GridIndex { get; set; }

    [Id(3)] public CellStatus Status { get; set; }

    [Id(4)] public List<EpochMetrics> Epochs { get; set; } = [];

    [Id(5)] public string RunId { get; set; } = "";

    [Id(6)] public string? Error { get; set; }
}

/// <summary>
/// One training run: cells that differ only in their epoch count, trained once to the largest of them (one cell when
/// shared-prefix training is off).
/// </summary>
[GenerateSerializer, Alias("gridsearch.RunRecord")]
public sealed class RunRecord
{
    [Id(0)] public string Id { get; set; } = "";

    // Ids 1-3: the learning rate, batch size and epoch count as releases before parameter maps stored a run; read
    // into Parameters when a sweep of theirs is resumed, never set by this release.
    [Id(1)] public double EarlierLearningRate { get; set; }

    [Id(2)] public int EarlierBatchSize { get; set; }

    [Id(3)] public int EarlierEpochs { get; set; }

    /// <summary>The run's epoch count: its longest cell's.</summary>
    public int Epochs => Parameters.Epochs;

    [Id(4)] public List<int> Cells { get; set; } = [];

    [Id(5)] public CellStatus Status { get; set; }

    [Id(6)] public int Attempts { get; set; }

    [Id(7)] public int RecordedEpochs { get; set; }

    [Id(8)] public string? Silo { get; set; }

    [Id(9)] public string? Error { get; set; }

    /// <summary>Failed attempts so far; the spec's retry limit counts these, not re-dispatches after silo loss.</summary>
    [Id(10)] public int Failures { get; set; }

    /// <summary>Times the run could not be handed to a trainer at all (a silo that just died, say).</summary>
    [Id(11)] public int DispatchFailures { get; set; }

    /// <summary>When the latest attempt was handed to a trainer, and when the run ended.</summary>
    [Id(12)] public DateTimeOffset? StartedAt { get; set; }

    [Id(13)] public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The trainer silo's address (for slot accounting); <see cref="Silo"/> is its name, for people.</summary>
    [Id(14)] public string? SiloAddress { get; set; }

    /// <summary>How long the latest attempt waited in its trainer's queue for a free slot (the trainer says).</summary>
    [Id(15)] public double QueuedSeconds { get; set; }

    /// <summary>After a failed attempt, the run is not dispatched again before this (exponential backoff).</summary>
    [Id(16)] public DateTimeOffset? RetryAfter { get; set; }

    /// <summary>The run's hyperparameters (its longest cell's); in sweeps stored before parameter maps, made from their fields.</summary>
    [Id(17)] public CellParameters Parameters
    {
        get => _parameters ??= new CellParameters(EarlierLearningRate, EarlierBatchSize, EarlierEpochs);
        set => _parameters = value;
    }

    [NonSerialized]
    private CellParameters? _parameters;

    /// <summary>How far the latest attempt was asked to train (a scheduler's rung, or the run's last epoch).</summary>
    [Id(18)] public int AssignedEpochs { get; set; }

    /// <summary>The fused group the run trains in, or null when it trains alone.</summary>
    [Id(19)] public string? Group { get; set; }

    /// <summary>The latest attempt's wall time: from dispatch to its end, less its wait for a free slot.</summary>
    public double WallSeconds => StartedAt is { } started && FinishedAt is { } finished
        ? Math.Max(0, (finished - started).TotalSeconds - QueuedSeconds)
        : 0;
}

/// <summary>
/// Runs that train together in one pass over the data, each in its own row of the group's stacked weights. The group
/// and its rows are fixed when the sweep is created: a run's numbers depend on the group's width, so a resumed sweep
/// must form exactly the same groups. Whichever of its runs are pending are dispatched together, as one unit.
/// </summary>
[GenerateSerializer, Alias("gridsearch.FusedGroupRecord")]
public sealed class FusedGroupRecord
{
    [Id(0)] public string Id { get; set; } = "";

    /// <summary>The runs' ids, in row order.</summary>
    [Id(1)] public List<string> Runs { get; set; } = [];

    /// <summary>Times the group was handed to a trainer.</summary>
    [Id(2)] public int Attempts { get; set; }
}

/// <summary>The weights after the best (cell, epoch): written only when the best changes.</summary>
[GenerateSerializer, Alias("gridsearch.WinnerState")]
public sealed class WinnerState
{
    [Id(0)] public BestCell? Best { get; set; }

    [Id(1)] public float[]? Weights { get; set; }

    /// <summary>The sweep incarnation these weights belong to.</summary>
    [Id(2)] public string? Incarnation { get; set; }
}

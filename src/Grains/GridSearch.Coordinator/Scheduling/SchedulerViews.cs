using GridSearch.Abstractions;

namespace GridSearch.Coordinator.Scheduling;

/// <summary>What a scheduler may read of a sweep: its spec, its cells and the rungs already decided. Nothing to change.</summary>
public interface ISweepView
{
    SweepSpec? Spec { get; }

    IReadOnlyList<ICellView> Cells { get; }

    IReadOnlyCollection<int> DecidedRungs { get; }

    /// <summary>Population-based training's decisions so far, in the order they were made.</summary>
    IReadOnlyList<PbtExploit> Exploits { get; }
}

/// <summary>What a scheduler may read of one cell.</summary>
public interface ICellView
{
    string Id { get; }

    CellParameters Parameters { get; }

    int GridIndex { get; }

    CellStatus Status { get; }

    IReadOnlyList<EpochMetrics> Epochs { get; }

    /// <summary>The run the cell trains in; cells of one run share their epochs.</summary>
    string RunId { get; }
}

/// <summary>
/// What a scheduler decided once decisions that waited for other cells could be made: the cells to stop (by grid
/// index) and the rungs now decided. The <see cref="SweepBook"/> records both.
/// </summary>
public sealed record RungDecisions(IReadOnlyList<int> Stop, IReadOnlyList<int> DecidedRungs)
{
    /// <summary>Population-based training: the cells that go on from another's checkpoint with explored values.</summary>
    public IReadOnlyList<PbtExploit> Exploits { get; init; } = [];

    public static RungDecisions None { get; } = new([], []);
}

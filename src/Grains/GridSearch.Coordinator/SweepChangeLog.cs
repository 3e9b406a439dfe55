using GridSearch.Abstractions;

namespace GridSearch.Coordinator;

/// <summary>
/// Tells which cells changed since a watcher's cursor, so a watcher is sent those cells only. Each look compares
/// every cell with what it was at the previous look (a few field comparisons per cell, nothing allocated), which
/// needs no hook in the code that changes cells and so cannot miss a change made anywhere. Held in memory: a new
/// activation has a new id, and cursors from an earlier one get the whole sweep.
/// </summary>
public sealed class SweepChangeLog
{
    private readonly string _activation = Guid.NewGuid().ToString("N");
    private CellMark[] _marks = [];
    private long _version;

    /// <summary>
    /// The cells changed after <paramref name="after"/> as indexes into <see cref="SweepState.Cells"/>, or null when
    /// the watcher must be sent every cell; and the cursor to continue from.
    /// </summary>
    public (SweepChangesCursor Cursor, IReadOnlyList<int>? Changed) Since(SweepState state, SweepChangesCursor? after)
    {
        Look(state);
        var cursor = new SweepChangesCursor(_activation, _version);
        if (after is null || after.Activation != _activation || after.Version > _version)
        {
            return (cursor, null);
        }

        var changed = new List<int>();
        for (int i = 0; i < _marks.Length; i++)
        {
            if (_marks[i].Version > after.Version)
            {
                changed.Add(i);
            }
        }

        return (cursor, changed);
    }

    private void Look(SweepState state)
    {
        var cells = state.Cells;
        if (_marks.Length != cells.Count)
        {
            // Cells are only ever added (a searcher's new suggestions); the new ones count as changed.
            Array.Resize(ref _marks, cells.Count);
        }

        long next = _version + 1;
        bool any = false;
        for (int i = 0; i < cells.Count; i++)
        {
            var mark = CellMark.Of(cells[i], state.FindRun(cells[i].RunId));
            if (!mark.SameAs(_marks[i]))
            {
                _marks[i] = mark with { Version = next };
                any = true;
            }
        }

        if (any)
        {
            _version = next;
        }
    }

    /// <summary>Everything a cell's snapshot shows, by value or by reference (records are replaced, never edited).</summary>
    private readonly record struct CellMark(
        CellStatus Status,
        int EpochCount,
        EpochMetrics? LastEpoch,
        string? Error,
        CellParameters? Parameters,
        int Attempts,
        string? Silo,
        string? Group,
        double WallSeconds,
        long Version)
    {
        public static CellMark Of(CellRecord cell, RunRecord? run) => new(cell.Status, cell.Epochs.Count,
            cell.Epochs.Count > 0 ? cell.Epochs[^1] : null, cell.Error, cell.Parameters, run?.Attempts ?? 0, run?.Silo, run?.Group,
            run?.WallSeconds ?? 0, 0);

        // Versions aside; a default mark (a cell not looked at yet) never matches, since Parameters is never null.
        public bool SameAs(CellMark other) => this with { Version = 0 } == other with { Version = 0 };
    }
}

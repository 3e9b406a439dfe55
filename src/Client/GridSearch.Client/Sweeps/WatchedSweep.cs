using GridSearch.Abstractions;

namespace GridSearch.Client.Sweeps;

/// <summary>
/// A watcher's copy of a sweep, kept current from the coordinator's changes: each poll brings the sweep's header and
/// the cells that changed, and this merges them into the cells it holds.
/// </summary>
public sealed class WatchedSweep
{
    private CellSnapshot[] _cells = [];
    private readonly Dictionary<string, int> _positions = [];

    /// <summary>Where the next request for changes continues from; null before the first.</summary>
    public SweepChangesCursor? Cursor { get; private set; }

    /// <summary>The sweep with every cell, as of the latest changes applied.</summary>
    public SweepSnapshot? Current { get; private set; }

    /// <summary>Applies the changes and returns the positions (in the sweep's cell order) of the cells they touched.</summary>
    public IReadOnlyList<int> Apply(SweepChanges changes)
    {
        Cursor = changes.Cursor;
        var sweep = changes.Sweep;
        if (changes.Complete)
        {
            _cells = sweep.Cells.ToArray();
            _positions.Clear();
            for (int i = 0; i < _cells.Length; i++)
            {
                _positions[_cells[i].CellId] = i;
            }

            Current = sweep;
            return Enumerable.Range(0, _cells.Length).ToArray();
        }

        var touched = new List<int>(sweep.Cells.Length);
        var cells = _cells;
        foreach (var cell in sweep.Cells)
        {
            if (!_positions.TryGetValue(cell.CellId, out int position))
            {
                // A cell the sweep added since (a searcher's new suggestion) goes after the ones known.
                position = cells.Length;
                Array.Resize(ref cells, position + 1);
                _positions[cell.CellId] = position;
            }
            else if (ReferenceEquals(cells, _cells))
            {
                // Snapshots handed out before stay as they were: copy before the first change.
                cells = (CellSnapshot[])cells.Clone();
            }

            cells[position] = cell;
            touched.Add(position);
        }

        _cells = cells;
        Current = sweep with { Cells = cells };
        touched.Sort();
        return touched;
    }
}

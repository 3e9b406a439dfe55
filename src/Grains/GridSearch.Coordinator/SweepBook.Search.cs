using GridSearch.Abstractions;

namespace GridSearch.Coordinator;

// Asking a searcher that learns from results for the next cells, and telling it what the finished ones scored.
public sealed partial class SweepBook
{
    private ISearcher Searcher => Searchers.For(Spec);

    /// <summary>Whether a searcher that learns from results may still propose cells.</summary>
    private bool SearchGoesOn => Searcher.LearnsFromResults && !state.SearchEnded;

    /// <summary>
    /// Adds the searcher's next cells, each as a pending run of its own, so that <paramref name="freeSlots"/> runs are
    /// ready to be dispatched; returns how many were added (they must be stored before they are dispatched). When the
    /// searcher proposes fewer than asked, its budget or its space is spent and the search ends.
    /// </summary>
    public int AskSearcher(int freeSlots)
    {
        if (state.Status != SweepStatus.Running || !SearchGoesOn)
        {
            return 0;
        }

        // Runs held at a synchronous rung (Hyperband's) wait for cells not yet asked for: they do not fill a slot.
        int wanted = freeSlots - state.Runs.Count(r => r.Status == CellStatus.Pending && !Held(r));
        if (wanted <= 0)
        {
            return 0;
        }

        var asked = Searcher.Ask(Spec, History()).Take(wanted).ToList();
        foreach (var parameters in asked)
        {
            var cell = new CellRecord { Id = parameters.CellId, Parameters = parameters, GridIndex = state.Cells.Count, RunId = parameters.CellId };
            state.Cells.Add(cell);
            state.Runs.Add(new RunRecord { Id = cell.Id, Parameters = parameters, Cells = [cell.GridIndex] });
        }

        state.SearchEnded = asked.Count < wanted;
        return asked.Count;
    }

    /// <summary>
    /// What the searcher is told: every cell it proposed, in order, and the score of each that finished at its best
    /// epoch, the one that competes for the winner (a cell that failed tells nothing).
    /// </summary>
    public SearchHistory History() => new(
        state.Cells.Select(c => c.Parameters).ToList(),
        state.Cells.Where(c => c.Status is CellStatus.Completed or CellStatus.Stopped && c.Epochs.Count > 0)
            .Select(c => new CellResult(c.Parameters, c.Epochs.Max(Objective.Score), c.Epochs.Count, c.Status == CellStatus.Stopped))
            .ToList())
    {
        Prior = Spec.WarmStart?.Results ?? [],
    };
}

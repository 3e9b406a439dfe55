using GridSearch.Abstractions;

namespace GridSearch.Coordinator;

// The sweep's epoch and time budgets: when one is spent, training ends with the best so far.
public sealed partial class SweepBook
{
    /// <summary>
    /// Ends training when a budget is spent: cells with epochs stop where they are (they still compete for the
    /// winner), cells with none are cancelled, the search proposes nothing more, and running runs are to be stopped on
    /// their trainers (<see cref="TakeRunsToStop"/>). True when it ended training just now.
    /// </summary>
    /// <param name="activeSeconds">How long the sweep has run so far, its earlier processes included.</param>
    public bool SpendBudgetIfDue(double activeSeconds)
    {
        if (state.Status != SweepStatus.Running || state.BudgetSpent is not null || DueBudget(activeSeconds) is not { } spent)
        {
            return false;
        }

        state.BudgetSpent = spent;
        state.SearchEnded = true;
        foreach (var cell in state.Cells.Where(c => !c.Status.IsFinal()))
        {
            cell.MoveTo(cell.Epochs.Count > 0 ? CellStatus.Stopped : CellStatus.Cancelled);
            cell.Error = cell.Epochs.Count > 0 ? null : $"not trained: the sweep's {spent}";
        }

        foreach (var run in state.Runs.Where(r => !r.Status.IsFinal()))
        {
            if (run.Status == CellStatus.Running)
            {
                state.RunsToStop.Add(run.Id);
            }

            run.MoveTo(CellsOf(run).Any(c => c.Status == CellStatus.Completed) ? CellStatus.Completed
                : CellsOf(run).Any(c => c.Status == CellStatus.Stopped) ? CellStatus.Stopped
                : CellStatus.Cancelled);
        }

        return true;
    }

    /// <summary>When the time budget runs out, counted from now (null without one, or once spent).</summary>
    public TimeSpan? TimeBudgetLeft(double activeSeconds) =>
        Spec.TimeBudget is { } budget && state.BudgetSpent is null
            ? TimeSpan.FromSeconds(Math.Max(0, budget.TotalSeconds - activeSeconds))
            : null;

    private string? DueBudget(double activeSeconds) =>
        Spec.MaxEpochs > 0 && state.EpochsTrained >= Spec.MaxEpochs
            ? $"epoch budget ({Spec.MaxEpochs} epochs, max_epochs) was spent"
            : Spec.TimeBudget is { } budget && activeSeconds >= budget.TotalSeconds
                ? $"time budget ({budget}, time_budget) ran out"
                : null;
}

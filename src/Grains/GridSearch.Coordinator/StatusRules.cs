using GridSearch.Abstractions;

namespace GridSearch.Coordinator;

/// <summary>The legal status moves; every status change goes through here and an illegal one throws.</summary>
public static class StatusRules
{
    public static void MoveTo(this SweepState sweep, SweepStatus next)
    {
        bool legal = (sweep.Status, next) switch
        {
            (SweepStatus.Pending, SweepStatus.Running or SweepStatus.Failed or SweepStatus.Cancelled) => true,
            (SweepStatus.Running, SweepStatus.Testing or SweepStatus.Failed or SweepStatus.Cancelled) => true,
            (SweepStatus.Testing, SweepStatus.Running or SweepStatus.Completed or SweepStatus.Failed or SweepStatus.Cancelled) => true,
            _ => false,
        };
        if (!legal)
        {
            throw new InvalidOperationException($"A sweep cannot move from {sweep.Status} to {next}.");
        }

        sweep.Status = next;
    }

    /// <summary>The one way out of Failed or Cancelled: a user resumes the sweep.</summary>
    public static void Reopen(this SweepState sweep)
    {
        if (sweep.Status is not (SweepStatus.Failed or SweepStatus.Cancelled))
        {
            throw new InvalidOperationException($"Only a Failed or Cancelled sweep can be reopened, not a {sweep.Status} one.");
        }

        sweep.Status = SweepStatus.Running;
    }

    /// <summary>A failed, cancelled (or, for a retrained cell, completed) run or cell goes back to Pending.</summary>
    public static void Reopen(this RunRecord run) => run.Status = Reopened(run.Status, $"run {run.Id}");

    public static void Reopen(this CellRecord trial) => trial.Status = Reopened(trial.Status, $"trial {trial.Id}");

    private static CellStatus Reopened(CellStatus current, string what) => current is CellStatus.Failed or CellStatus.Cancelled or CellStatus.Completed
        ? CellStatus.Pending
        : throw new InvalidOperationException($"The {what} cannot be reopened from {current}.");

    public static void MoveTo(this RunRecord run, CellStatus next) => run.Status = Checked(run.Status, next, $"run {run.Id}");

    public static void MoveTo(this CellRecord trial, CellStatus next) => trial.Status = Checked(trial.Status, next, $"trial {trial.Id}");

    private static CellStatus Checked(CellStatus current, CellStatus next, string what)
    {
        bool legal = (current, next) switch
        {
            (CellStatus.Pending, CellStatus.Running or CellStatus.Cancelled or CellStatus.Failed or CellStatus.Stopped) => true,
            (CellStatus.Running, CellStatus.Pending or CellStatus.Completed or CellStatus.Failed or CellStatus.Cancelled
                or CellStatus.Stopped) => true,
            // A run waiting at a rung ends there when the scheduler stops the last of its cells that had epochs left.
            (CellStatus.Pending, CellStatus.Completed) => true,
            _ => false,
        };
        return legal ? next : throw new InvalidOperationException($"The {what} cannot move from {current} to {next}.");
    }
}

namespace GridSearch.Abstractions;

/// <summary>Where a sweep is in its life. Completed, Failed and Cancelled are final.</summary>
public enum SweepStatus
{
    Pending,
    Running,
    Testing,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>
/// Where one cell (or run) is in its life. Completed, Failed, Cancelled and Stopped are final; Stopped means the
/// scheduler ended it early, at the epoch it had reached (its epochs still compete for the winner).
/// </summary>
public enum CellStatus
{
    Pending,
    Running,
    Completed,
    Failed,
    Cancelled,
    Stopped,
}

public static class StatusExtensions
{
    public static bool IsFinal(this SweepStatus status) =>
        status is SweepStatus.Completed or SweepStatus.Failed or SweepStatus.Cancelled;

    public static bool IsFinal(this CellStatus status) =>
        status is CellStatus.Completed or CellStatus.Failed or CellStatus.Cancelled or CellStatus.Stopped;
}

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

/// <summary>Where one grid cell is in its life. Completed, Failed and Cancelled are final.</summary>
public enum TrialStatus
{
    Pending,
    Running,
    Completed,
    Failed,
    Cancelled,
}

public static class StatusExtensions
{
    public static bool IsFinal(this SweepStatus status) =>
        status is SweepStatus.Completed or SweepStatus.Failed or SweepStatus.Cancelled;

    public static bool IsFinal(this TrialStatus status) =>
        status is TrialStatus.Completed or TrialStatus.Failed or TrialStatus.Cancelled;
}

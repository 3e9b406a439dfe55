namespace GridSearch.Trainer.Programs;

/// <summary>How one attempt of a program ended.</summary>
public enum ProgramEnd
{
    /// <summary>It exited with status 0.</summary>
    Exited,

    /// <summary>It exited with another status, was killed by a signal, or broke the report contract.</summary>
    Failed,

    /// <summary>It ran past its <c>timeout</c>.</summary>
    TimedOut,

    /// <summary>It went <c>report_timeout</c> without a report.</summary>
    ReportTimedOut,

    /// <summary>It was stopped: the run was cancelled or stopped by a scheduler, or the trainer shuts down.</summary>
    Stopped,
}

/// <summary>The end of an attempt, with a message for people that names the cause and, for failures, the program's last error lines.</summary>
public sealed record ProgramOutcome(ProgramEnd End, int? ExitCode, string Message, IReadOnlyList<string> ErrorTail)
{
    public bool Succeeded => End == ProgramEnd.Exited;
}

/// <summary>Time limits of an attempt; null: none.</summary>
public sealed record ProgramLimits(TimeSpan? Timeout, TimeSpan? ReportTimeout)
{
    /// <summary>How long a program has to end after SIGTERM before its group gets SIGKILL.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(10);
}

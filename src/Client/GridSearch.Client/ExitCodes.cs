namespace GridSearch.Client;

/// <summary>The process exit codes every command uses.</summary>
public static class ExitCodes
{
    public const int Completed = 0;
    public const int FailedOrInvalidInput = 1;
    public const int UsageError = 2;
    public const int Cancelled = 130;
}

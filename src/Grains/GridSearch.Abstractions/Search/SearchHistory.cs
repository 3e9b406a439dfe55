namespace GridSearch.Abstractions;

/// <summary>
/// What a searcher is told: every cell asked for so far (in the order asked) and the results of those that finished.
/// </summary>
public sealed record SearchHistory(IReadOnlyList<CellParameters> Asked, IReadOnlyList<CellResult> Results)
{
    public static SearchHistory Empty { get; } = new([], []);
}

/// <summary>
/// A finished cell's result: its objective score (higher is better, whatever the metric's direction) at its best epoch,
/// the epochs it trained, and whether a scheduler stopped it early (its score then belongs to fewer epochs than the
/// others').
/// </summary>
public sealed record CellResult(CellParameters Parameters, double Score, int EpochsTrained, bool StoppedEarly);

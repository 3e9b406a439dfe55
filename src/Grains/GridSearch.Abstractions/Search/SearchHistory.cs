namespace GridSearch.Abstractions;

/// <summary>
/// What a searcher is told: every cell asked for so far (in the order asked), the results of those that finished, and
/// the results of an earlier sweep over the same space that this one starts from (<see cref="Prior"/>, warm start:
/// told as if they came before every cell asked here).
/// </summary>
public sealed record SearchHistory(IReadOnlyList<CellParameters> Asked, IReadOnlyList<CellResult> Results)
{
    public static SearchHistory Empty { get; } = new([], []);

    public IReadOnlyList<CellResult> Prior { get; init; } = [];
}

/// <summary>
/// A sweep's warm start (<c>--from SWEEP</c>): the finished cells of an earlier sweep over the same space and
/// objective, kept in the spec so a resumed sweep is told exactly the same.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridsearch.WarmStart")]
public sealed record WarmStart([property: Id(0)] string FromSweep, [property: Id(1)] CellResult[] Results);

/// <summary>
/// A finished cell's result: its objective score (higher is better, whatever the metric's direction) at its best epoch,
/// the epochs it trained, and whether a scheduler stopped it early (its score then belongs to fewer epochs than the
/// others').
/// </summary>
[GenerateSerializer, Immutable, Alias("gridsearch.CellResult")]
public sealed record CellResult(
    [property: Id(0)] CellParameters Parameters,
    [property: Id(1)] double Score,
    [property: Id(2)] int EpochsTrained,
    [property: Id(3)] bool StoppedEarly);

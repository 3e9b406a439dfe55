using GridSearch.Coordinator;

namespace GridSearch.Grains.Tests;

internal static class SweepBookClaims
{
    /// <summary>Claims work and lists its runs, for sweeps whose runs all train alone.</summary>
    public static IReadOnlyList<RunRecord> ClaimRuns(this SweepBook book, int count, DateTimeOffset? now = null) =>
        book.ClaimWork(count, now).SelectMany(work => work.Runs).ToList();
}

using GridSearch.Abstractions;

namespace GridSearch.Coordinator;

// What clients read: the whole sweep, or what changed since a watcher's last look.
public sealed partial class SweepCoordinatorGrain
{
    private readonly SweepChangeLog _changes = new();

    public async Task<SweepSnapshot?> GetSnapshotAsync()
    {
        if (!Exists && _validating is { } validating)
        {
            // While a trainer decodes the data set, say how far it is (best effort: without an answer, say it loads).
            DecodeProgress? progress = null;
            try
            {
                progress = await grains.GetGrain<IDatasetInspectorGrain>(SweepId).ProgressAsync(DataRequest.For(validating))
                    .WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception)
            {
                // The progress is a nicety; the snapshot is what was asked for.
            }

            return Validating(validating, progress);
        }

        return Exists ? Snapshot() : null;
    }

    public async Task<SweepChanges?> GetChangesAsync(SweepChangesCursor? after)
    {
        if (!Exists)
        {
            // Nothing to follow yet but the data set being checked: the same answer as a snapshot, every time.
            return await GetSnapshotAsync() is { } pending ? new SweepChanges(new SweepChangesCursor("", 0), true, pending) : null;
        }

        var (cursor, changed) = _changes.Since(sweep.State, after);
        return new SweepChanges(cursor, changed is null, Snapshot(changed));
    }

    private SweepSnapshot Validating(SweepSpec spec, DecodeProgress? progress) =>
        new(SweepId, SweepStatus.Pending, spec, null, [], null, null, new SweepTimings(0, 0, 0, 0),
            progress?.ToString() ?? "loading the data set on a trainer silo", clock.GetUtcNow(), null, Decoding: progress);

    private SweepSnapshot Snapshot(IReadOnlyList<int>? cells = null)
    {
        return SweepSnapshots.Of(sweep.State, SweepId, ActiveSeconds, cells);
    }

    /// <summary>How long the sweep has run: its earlier processes' time and this one's since it last started.</summary>
    private double ActiveSeconds =>
        sweep.State.EarlierActiveSeconds + (_activeSince is { } since ? (clock.GetUtcNow() - since).TotalSeconds : 0);
}

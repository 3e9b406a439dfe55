using CsCheck;
using GridSearch.Abstractions;
using GridSearch.Client.Sweeps;
using GridSearch.Coordinator;

namespace GridSearch.Fuzz.Tests;

/// <summary>
/// A watcher follows a sweep through the coordinator's changes instead of whole snapshots. Whatever happens to the
/// sweep between two looks (epochs, failures, retries, lost runs, restarts, a coordinator that moved), the watcher's
/// merged copy must equal the whole snapshot, and a look must carry only the cells that changed.
/// </summary>
public sealed class SweepChangesTests
{
    private static readonly DatasetSummary Dataset = new("/data", ["a", "b"], 100, 80, 10, 10, [], 0.1, false);
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static SweepState Create(int learningRates, int batchSizes, int[] epochs, int retries) => SweepCreation.Create(new SweepSpec
    {
        LearningRates = Enumerable.Range(1, learningRates).Select(i => i / 100.0).ToArray(),
        BatchSizes = Enumerable.Range(1, batchSizes).Select(i => 8 * i).ToArray(),
        Epochs = epochs,
        RetriesPerRun = retries,
        DataRoot = "/data",
    }, Dataset, Now);

    private static SweepChanges Look(SweepState state, SweepChangeLog log, SweepChangesCursor? after)
    {
        var (cursor, changed) = log.Since(state, after);
        return new SweepChanges(cursor, changed is null, SweepSnapshots.Of(state, "s", 1, changed));
    }

    // Everything a cell shows, as one comparable string (a snapshot's arrays compare by reference).
    private static string[] Shown(SweepSnapshot sweep) => sweep.Cells
        .Select(c => $"{c.CellId}|{c.Parameters}|{c.Status}|{string.Join(';', c.Epochs)}|{c.Attempts}|{c.Silo}|{c.Error}|{c.WallSeconds}|{c.FusedGroup}")
        .ToArray();

    private static readonly Gen<(int Kind, int Pick, int Value)> Step = Gen.Select(Gen.Int[0, 8], Gen.Int[0, 50], Gen.Int[0, 100]);

    [Fact]
    public void MergedChanges_EqualTheWholeSnapshot_AfterAnyHistory()
    {
        Gen.Select(Gen.Int[1, 4], Gen.Int[1, 3], Gen.Int[1, 4].Array[1, 3], Gen.Int[0, 2], Step.Array[1, 80]).Sample((lrs, batches, epochs, retries, steps) =>
        {
            var state = Create(lrs, batches, epochs.Distinct().ToArray(), retries);
            var book = new SweepBook(state);
            var log = new SweepChangeLog();
            var watched = new WatchedSweep();
            var at = Now;
            foreach (var (kind, pick, value) in steps)
            {
                at = at.AddSeconds(1);
                var running = state.Runs.Where(r => r.Status == CellStatus.Running).ToList();
                var run = running.Count > 0 ? running[pick % running.Count] : null;
                switch (kind)
                {
                    case 0:
                        book.ClaimWork(1 + pick % 3, at);
                        break;
                    case 1 when run is not null:
                        book.RecordEpoch(run.Id, run.Attempts, new EpochMetrics(run.RecordedEpochs + 1, 1.0 / (value + 1), value / 100.0, 0.1, 10));
                        break;
                    case 2 when run is not null:
                        book.RunFinished(run.Id, run.Attempts, (RunOutcome)(value % 4), value % 2 == 0 ? null : $"error {value}", at,
                            trainer: $"silo-{value % 3}");
                        break;
                    case 3 when run is not null:
                        book.RequeueLost(run);
                        break;
                    case 4 when state.Runs.Count > 0:
                        book.Restart(state.Runs[pick % state.Runs.Count]);
                        break;
                    case 5 when run is not null:
                        // The trainer's answer to the start request names the silo, and nothing else changes.
                        run.Silo = $"silo-{value % 3}";
                        break;
                    case 6:
                        // The coordinator moved to another silo: a new activation with a new log.
                        log = new SweepChangeLog();
                        break;
                    default:
                        watched.Apply(Look(state, log, watched.Cursor));
                        Assert.Equal(Shown(SweepSnapshots.Of(state, "s", 1)), Shown(watched.Current!));
                        break;
                }
            }

            watched.Apply(Look(state, log, watched.Cursor));
            Assert.Equal(Shown(SweepSnapshots.Of(state, "s", 1)), Shown(watched.Current!));
        });
    }

    [Fact]
    public void Look_CarriesOnlyTheCellsThatChanged()
    {
        // Two cells share each run (epochs 2 and 3): one epoch of one run changes exactly its two cells.
        var state = Create(learningRates: 3, batchSizes: 2, epochs: [2, 3], retries: 0);
        var book = new SweepBook(state);
        var log = new SweepChangeLog();

        var first = Look(state, log, null);
        Assert.True(first.Complete);
        Assert.Equal(12, first.Sweep.Cells.Length);

        var quiet = Look(state, log, first.Cursor);
        Assert.False(quiet.Complete);
        Assert.Empty(quiet.Sweep.Cells);
        Assert.Equal(first.Cursor, quiet.Cursor);

        var run = Assert.Single(book.ClaimWork(1, Now)).Runs.Single();
        var claimed = Look(state, log, quiet.Cursor);
        Assert.Equal(state.Cells.Where(c => c.RunId == run.Id).Select(c => c.Id), claimed.Sweep.Cells.Select(c => c.CellId));

        book.RecordEpoch(run.Id, run.Attempts, new EpochMetrics(1, 0.7, 0.6, 0.1, 10));
        var epoch = Look(state, log, claimed.Cursor);
        Assert.Equal(2, epoch.Sweep.Cells.Length);
        Assert.All(epoch.Sweep.Cells, c => Assert.Equal(0.6, Assert.Single(c.Epochs).ValidationAccuracy));

        // A watcher that missed a look gets everything since its own cursor; one from another activation gets all.
        Assert.Equal(2, Look(state, log, quiet.Cursor).Sweep.Cells.Length);
        var foreign = Look(state, log, new SweepChangesCursor("elsewhere", epoch.Cursor.Version));
        Assert.True(foreign.Complete);
        Assert.Equal(12, foreign.Sweep.Cells.Length);
    }

    [Fact]
    public void WatchedSweep_KeepsSnapshotsItHandedOutAsTheyWere()
    {
        var state = Create(learningRates: 2, batchSizes: 1, epochs: [1], retries: 0);
        var book = new SweepBook(state);
        var log = new SweepChangeLog();
        var watched = new WatchedSweep();

        Assert.Equal([0, 1], watched.Apply(Look(state, log, null)));
        var before = watched.Current!;
        var run = book.ClaimWork(1, Now).Single().Runs.Single();
        book.RecordEpoch(run.Id, run.Attempts, new EpochMetrics(1, 0.7, 0.6, 0.1, 10));

        Assert.Equal([0], watched.Apply(Look(state, log, watched.Cursor)));
        Assert.Empty(before.Cells[0].Epochs);
        Assert.Single(watched.Current!.Cells[0].Epochs);
    }
}

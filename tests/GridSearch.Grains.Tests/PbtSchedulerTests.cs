using GridSearch.Abstractions;
using GridSearch.Coordinator;
using GridSearch.Coordinator.Scheduling;

namespace GridSearch.Grains.Tests;

/// <summary>
/// Population-based training's decisions: made once every cell still in has reached the interval, the bottom quantile
/// copying cells of the top quantile, explored values inside the space, the same decisions for the same seed, and the
/// book holding donors and recipients until the checkpoint copies are made.
/// </summary>
public sealed class PbtSchedulerTests
{
    private static readonly DatasetSummary Dataset = new("/data", ["a", "b"], 100, 80, 10, 10, [], 0.1, false);

    private static readonly ParameterRange Rates = new(1e-4, 1, RangeScale.Log, 4);

    private static SweepState Population(long seed = 7) => SweepCreation.Create(new SweepSpec
    {
        Parameters =
        [
            new SearchDimension(ParameterCatalog.LearningRate, Range: Rates),
            SearchDimension.Of(ParameterCatalog.BatchSize, [8, 16, 32]),
            SearchDimension.Of(ParameterCatalog.Epochs, [6]),
        ],
        DataRoot = "/data",
        Seed = seed,
        Scheduler = new SchedulerSpec { Name = SchedulerNames.Pbt, Interval = 2, Quantile = 0.25, ResampleProbability = 0.25 },
    }, Dataset, DateTimeOffset.UnixEpoch);

    // Cell i scores i / 100 at every epoch: the last cells are the best.
    private static void Train(SweepState state, int epochs, Func<CellRecord, bool>? which = null)
    {
        foreach (var cell in state.Cells.Where(which ?? (_ => true)))
        {
            while (cell.Epochs.Count < epochs)
            {
                cell.Epochs.Add(new EpochMetrics(cell.Epochs.Count + 1, 0.5, cell.GridIndex / 100.0, 0.1, 1));
            }
        }
    }

    [Fact]
    public void Interval_IsDecidedOnlyOnceEveryCellHasReachedIt()
    {
        var state = Population();
        Train(state, 2, c => c.GridIndex > 0);

        Assert.Empty(new PbtScheduler().Settle(state).DecidedRungs);

        Train(state, 2);
        Assert.Equal([2], new PbtScheduler().Settle(state).DecidedRungs);
    }

    [Fact]
    public void BottomQuantile_CopiesTheTopQuantile_WithValuesInsideTheSpace()
    {
        var state = Population();
        Train(state, 2);

        var exploits = new PbtScheduler().Settle(state).Exploits;

        // Twelve cells, a quarter: the three worst (0, 1, 2) each copy one of the three best (9, 10, 11).
        Assert.Equal([0, 1, 2], exploits.Select(e => e.Recipient));
        Assert.All(exploits, e =>
        {
            Assert.Equal(2, e.Epoch);
            Assert.Contains(e.Donor, new[] { 9, 10, 11 });
            Assert.InRange(e.Values.LearningRate, Rates.Min, Rates.Max);
            Assert.Contains(e.Values.BatchSize, new[] { 8, 16, 32 });
            Assert.Equal(6, e.Values.Epochs);
        });
    }

    [Fact]
    public void Explore_PerturbsRangesByAFactor_AndMovesListsToANeighbour_OrResamples_AlwaysInsideTheSpace()
    {
        var spec = Population().Spec!;
        var from = new CellParameters(1, 32, 6); // the top of the rate range, the end of the batch size list
        var random = new SweepRandom(3);
        var explorer = new PbtExplorer(spec, random);

        var explored = Enumerable.Range(0, 400).Select(_ => explorer.Explore(from)).ToList();

        Assert.All(explored, cell =>
        {
            Assert.InRange(cell.LearningRate, Rates.Min, Rates.Max);
            Assert.Contains(cell.BatchSize, new[] { 8, 16, 32 });
        });
        Assert.Contains(explored, c => c.LearningRate == 0.8); // × 0.8
        Assert.Contains(explored, c => c.LearningRate == 1); // × 1.2, clipped to the range's end
        Assert.Contains(explored, c => c.BatchSize == 16); // the list's neighbour
        Assert.Contains(explored, c => c.LearningRate is not (0.8 or 1)); // drawn afresh
    }

    [Fact]
    public void SameSeedAndScores_GiveTheSameDecisions_AnotherSeedMayNot()
    {
        IReadOnlyList<PbtExploit> Decide(long seed)
        {
            var state = Population(seed);
            Train(state, 2);
            return new PbtScheduler().Settle(state).Exploits;
        }

        Assert.Equal(Decide(7), Decide(7));
        int distinct = Enumerable.Range(1, 20).Select(seed => Decide(seed).Select(e => (e.Donor, e.Values))).Distinct(new Exploits()).Count();
        Assert.True(distinct > 1, "twenty seeds made the very same decisions");
    }

    [Fact]
    public void Book_RecordsTheDecision_GivesTheRecipientItsValues_AndHoldsDonorsAndRecipientsUntilTheCopyIsMade()
    {
        var state = Population();
        Train(state, 2);
        foreach (var run in state.Runs)
        {
            run.RecordedEpochs = 2;
        }

        var book = new SweepBook(state);
        book.ApplyScheduler();

        var exploit = state.Exploits[0];
        Assert.Equal(exploit.Values, state.FindRun(state.Cells[exploit.Recipient].RunId)!.Parameters);
        Assert.Equal(3, book.PendingCopies.Count());
        var involved = state.Exploits.SelectMany(e => new[] { state.Cells[e.Recipient].RunId, state.Cells[e.Donor].RunId }).ToHashSet();
        var claimed = book.ClaimWork(100).SelectMany(w => w.Runs).Select(r => r.Id).ToList();
        Assert.Empty(claimed.Intersect(involved));
        Assert.NotEmpty(claimed);

        book.CopyMade();
        book.CopyMade();
        book.CopyMade();
        Assert.Equal(involved.Order(), book.ClaimWork(100).SelectMany(w => w.Runs).Select(r => r.Id).Order());
    }

    private sealed class Exploits : IEqualityComparer<IEnumerable<(int, CellParameters)>>
    {
        public bool Equals(IEnumerable<(int, CellParameters)>? x, IEnumerable<(int, CellParameters)>? y) => x!.SequenceEqual(y!);

        public int GetHashCode(IEnumerable<(int, CellParameters)> obj) => obj.Aggregate(0, HashCode.Combine);
    }
}

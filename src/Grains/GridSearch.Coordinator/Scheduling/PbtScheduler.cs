using GridSearch.Abstractions;

namespace GridSearch.Coordinator.Scheduling;

/// <summary>
/// Population-based training, synchronous: every cell trains to the end of the first interval and waits; once all
/// still in have reached it, they are ranked by the objective at that epoch, and each of the bottom quantile goes on
/// from the checkpoint of a top-quantile cell (drawn from the sweep seed) with that cell's values explored (see
/// <see cref="PbtExplorer"/>). Then all train to the next interval. Decisions depend on the scores at the interval
/// and the seed only, never on timing, so the same seed gives the same schedules, and a resumed sweep replays the
/// decisions stored with it. Ties go to the earlier cell. Nobody is stopped: the population trains to the end.
/// </summary>
public sealed class PbtScheduler : ICellScheduler
{
    private const ulong ExploitStream = 0x9B7_0000_0000_0005;

    public bool Continue(ISweepView sweep, ICellView cell, EpochMetrics metrics) => true;

    public int? HoldAt(ISweepView sweep, ICellView cell) =>
        Intervals(sweep.Spec!, cell.Parameters.Epochs).Where(t => !sweep.DecidedRungs.Contains(t)).Cast<int?>().FirstOrDefault();

    public RungDecisions Settle(ISweepView sweep)
    {
        var spec = sweep.Spec!;
        var decided = new List<int>();
        var exploits = new List<PbtExploit>();
        int longest = sweep.Cells.Count == 0 ? 0 : sweep.Cells.Max(c => c.Parameters.Epochs);
        foreach (int epoch in Intervals(spec, longest).Where(t => !sweep.DecidedRungs.Contains(t)))
        {
            var members = sweep.Cells.Where(c => c.Status is not (CellStatus.Stopped or CellStatus.Failed or CellStatus.Cancelled)).ToList();
            if (members.Any(c => c.Epochs.Count < epoch))
            {
                break; // some are still on their way to the interval's end
            }

            var ranked = members.OrderByDescending(c => Rungs.ScoreAt(sweep, c, epoch)).ThenBy(c => c.GridIndex).ToList();
            int share = Share(spec.Scheduler!, ranked.Count);
            var top = ranked.Take(share).ToList();
            var random = new SweepRandom(unchecked((ulong)spec.Seed ^ ExploitStream ^ ((ulong)epoch * 0x9E3779B97F4A7C15)));
            var explorer = new PbtExplorer(spec, random);
            foreach (var recipient in ranked.TakeLast(share).OrderBy(c => c.GridIndex))
            {
                var donor = top[random.NextIndex(top.Count)];
                var values = explorer.Explore(PbtSchedules.ValuesAt(sweep, donor, epoch));
                exploits.Add(new PbtExploit(epoch, recipient.GridIndex, donor.GridIndex, values));
            }

            decided.Add(epoch);
        }

        return new RungDecisions([], decided) { Exploits = exploits };
    }

    /// <summary>The epochs at which the population is ranked: every interval, before the last epoch.</summary>
    public static IEnumerable<int> Intervals(SweepSpec spec, int epochs)
    {
        int interval = Math.Max(1, spec.Scheduler?.Interval ?? 1);
        for (int epoch = interval; epoch < epochs; epoch += interval)
        {
            yield return epoch;
        }
    }

    /// <summary>How many cells are in the bottom (and the top): the quantile's share, at least one, at most half.</summary>
    public static int Share(SchedulerSpec scheduler, int population) =>
        population < 2 ? 0 : Math.Clamp((int)Math.Floor(population * scheduler.Quantile), 1, population / 2);
}

/// <summary>The values each cell trains with as population-based training changes them.</summary>
public static class PbtSchedules
{
    /// <summary>The values the cell trained with up to <paramref name="epoch"/>: its own, or those of its latest exploit before.</summary>
    public static CellParameters ValuesAt(ISweepView sweep, ICellView cell, int epoch) =>
        sweep.Exploits.LastOrDefault(e => e.Recipient == cell.GridIndex && e.Epoch < epoch)?.Values ?? cell.Parameters;
}

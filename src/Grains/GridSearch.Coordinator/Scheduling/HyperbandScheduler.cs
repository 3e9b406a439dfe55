using GridSearch.Abstractions;

namespace GridSearch.Coordinator.Scheduling;

/// <summary>
/// Hyperband: the sweep's cells are split, in order, into the brackets of <see cref="HyperbandSchedule"/>, and each
/// bracket runs synchronous successive halving from its own first rung: its cells train to the rung and wait; once all
/// have reached it (or failed), the best go on, as many as the published schedule says, and the rest stop. Each
/// decision depends on the rung's scores only, so the same seed gives the same stops on every run and after a resume.
/// Ties go to the earlier cell. A decided rung is stored by its position among all brackets' rungs, in bracket order.
/// </summary>
public sealed class HyperbandScheduler : ICellScheduler
{
    public bool Continue(ISweepView sweep, ICellView cell, EpochMetrics metrics) => true;

    public int? HoldAt(ISweepView sweep, ICellView cell) =>
        RungsOf(sweep).Where(r => r.Bracket.FirstCell <= cell.GridIndex && cell.GridIndex < r.Bracket.FirstCell + r.Bracket.Cells
                                  && !sweep.DecidedRungs.Contains(r.Position))
            .Select(r => (int?)r.Rung.Epoch).FirstOrDefault();

    public RungDecisions Settle(ISweepView sweep)
    {
        var stopped = new List<int>();
        var decided = new List<int>();
        foreach (var bracket in RungsOf(sweep).GroupBy(r => r.Bracket))
        {
            foreach (var (_, rung, position) in bracket)
            {
                if (sweep.DecidedRungs.Contains(position))
                {
                    continue;
                }

                var members = sweep.Cells.Where(c => c.GridIndex >= bracket.Key.FirstCell && c.GridIndex < bracket.Key.FirstCell + bracket.Key.Cells).ToList();
                var candidates = members.Where(c => !stopped.Contains(c.GridIndex)
                                                    && c.Status is not (CellStatus.Stopped or CellStatus.Failed or CellStatus.Cancelled)).ToList();
                // Wait until the bracket's cells all exist (a searcher that learns from results adds them as slots free up)
                // and every one still in has reached the rung.
                if (members.Count < bracket.Key.Cells || candidates.Any(c => c.Epochs.Count < rung.Epoch))
                {
                    break;
                }

                stopped.AddRange(candidates
                    .OrderByDescending(c => Rungs.ScoreAt(sweep, c, rung.Epoch)).ThenBy(c => c.GridIndex)
                    .Skip(Math.Max(1, rung.Promoted)).Select(c => c.GridIndex));
                decided.Add(position);
            }
        }

        return new RungDecisions(stopped, decided);
    }

    /// <summary>Every bracket's rungs in bracket order, each with its position in that order (its stored id).</summary>
    private static IEnumerable<(HyperbandBracket Bracket, HyperbandRung Rung, int Position)> RungsOf(ISweepView sweep)
    {
        int position = 0;
        foreach (var bracket in HyperbandSchedule.Of(sweep.Spec!) ?? [])
        {
            foreach (var rung in bracket.Rungs)
            {
                yield return (bracket, rung, position++);
            }
        }
    }
}

namespace GridSearch.Abstractions;

/// <summary>
/// One rung of a Hyperband bracket: <see cref="Cells"/> cells train to <see cref="Epoch"/>, then the best
/// <see cref="Promoted"/> go on.
/// </summary>
public sealed record HyperbandRung(int Epoch, int Cells, int Promoted);

/// <summary>
/// One bracket of Hyperband: successive halving of <see cref="Cells"/> cells from <see cref="MinEpochs"/>, its rungs
/// below the last epoch. <see cref="S"/> is the bracket's number in the paper (s_max first, 0 last); the bracket's
/// cells are the sweep's cells <see cref="FirstCell"/> to <see cref="FirstCell"/> + <see cref="Cells"/> − 1.
/// </summary>
public sealed record HyperbandBracket(int S, int Cells, int MinEpochs, int FirstCell, IReadOnlyList<HyperbandRung> Rungs);

/// <summary>
/// Hyperband's brackets for a maximum of R epochs per cell and reduction factor η (Li et al., "Hyperband: A Novel
/// Bandit-Based Approach to Hyperparameter Optimization", JMLR 2018, Algorithm 1): s_max = ⌊log_η R⌋; bracket s starts
/// n = ⌈(s_max + 1) η^s / (s + 1)⌉ cells at r = R η^−s epochs; at stage i, ⌊n η^−i⌋ cells reach r η^i epochs and the
/// best ⌊n η^−i−1⌋ go on. Epochs are whole: r η^i is rounded down (at least 1); the last stage trains to R.
/// </summary>
public static class HyperbandSchedule
{
    public static IReadOnlyList<HyperbandBracket> For(int maxEpochs, int eta)
    {
        int sMax = 0;
        for (long power = eta; power <= maxEpochs; power *= eta)
        {
            sMax++;
        }

        var brackets = new List<HyperbandBracket>();
        int firstCell = 0;
        for (int s = sMax; s >= 0; s--)
        {
            int cells = (int)(((sMax + 1) * Power(eta, s) + s) / (s + 1)); // ⌈(s_max + 1) η^s / (s + 1)⌉
            var rungs = new List<HyperbandRung>();
            for (int i = 0; i < s; i++)
            {
                int reaching = (int)(cells / Power(eta, i));
                rungs.Add(new HyperbandRung(EpochsAt(maxEpochs, eta, s - i), reaching, (int)(cells / Power(eta, i + 1))));
            }

            brackets.Add(new HyperbandBracket(s, cells, EpochsAt(maxEpochs, eta, s), firstCell, rungs));
            firstCell += cells;
        }

        return brackets;
    }

    /// <summary>
    /// A hyperband sweep's brackets, from its one epoch count and eta; null for other schedulers and for a spec whose
    /// epochs are not one value (which the sweep rules refuse).
    /// </summary>
    public static IReadOnlyList<HyperbandBracket>? Of(SweepSpec spec) =>
        spec.Scheduler is { Name: SchedulerNames.Hyperband, ReductionFactor: >= 2 } scheduler
        && spec.Space.FirstOrDefault(d => d.Name == ParameterCatalog.Epochs) is { Range: null } epochs
        && epochs.DistinctValues is [var only]
            ? For((int)only.Number, scheduler.ReductionFactor)
            : null;

    /// <summary>The cells all brackets start together: the sweep's budget of cells.</summary>
    public static int TotalCells(int maxEpochs, int eta) => For(maxEpochs, eta).Sum(b => b.Cells);

    /// <summary>The bracket the sweep's cell at <paramref name="gridIndex"/> belongs to, or null past the last.</summary>
    public static HyperbandBracket? BracketOf(IReadOnlyList<HyperbandBracket> brackets, int gridIndex) =>
        brackets.FirstOrDefault(b => gridIndex >= b.FirstCell && gridIndex < b.FirstCell + b.Cells);

    // R η^−k, rounded down to a whole epoch, at least 1.
    private static int EpochsAt(int maxEpochs, int eta, int k) => Math.Max(1, (int)(maxEpochs / Power(eta, k)));

    private static long Power(int eta, int k)
    {
        long power = 1;
        for (int i = 0; i < k; i++)
        {
            power *= eta;
        }

        return power;
    }
}

using GridSearch.Abstractions;

namespace GridSearch.Coordinator;

/// <summary>What clients see of a sweep: every cell with its epochs, attempts, trainer and group, and the sweep's totals.</summary>
public static class SweepSnapshots
{
    /// <summary>The sweep with every cell, or with only the cells at <paramref name="cells"/> (indexes into its cells).</summary>
    public static SweepSnapshot Of(SweepState state, string sweepId, double totalSeconds, IReadOnlyList<int>? cells = null)
    {
        return new SweepSnapshot(
        sweepId,
        state.Status,
        state.Spec!,
        state.Dataset,
        (cells?.Select(i => state.Cells[i]) ?? state.Cells).Select(t =>
        {
            var run = state.FindRun(t.RunId)!;
            return new CellSnapshot(t.Id, t.Parameters, t.Status, t.Epochs.ToArray(), run.Attempts, run.Silo,
                t.Error, t.Epochs.Sum(e => e.Seconds), run.WallSeconds)
            {
                FusedGroup = run.Group,
                Schedule = state.Exploits.Where(e => e.Recipient == t.GridIndex).ToArray(),
            };
        }).ToArray(),
        state.Best,
        state.TestAccuracy,
        new SweepTimings(totalSeconds, state.Dataset?.LoadSeconds ?? 0, state.TrainSeconds, state.EpochsTrained),
        state.WaitingForTrainersSince is not null && !state.Status.IsFinal() ? SweepBook.WaitingMessage : state.Message,
        state.CreatedAt,
        state.FinishedAt,
        state.Status.IsFinal() ? null : state.WaitingForTrainersSince,
        TestConfusion: state.TestConfusion,
        TestMetrics: state.TestMetrics);
    }
}

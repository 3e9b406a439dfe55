using GridSearch.Abstractions;

namespace GridSearch.Coordinator;

/// <summary>
/// The state of a new sweep: its cells (what the searcher proposes), the runs they share (cells that differ only in
/// their epoch count train as one), and the fused groups those runs train in.
/// </summary>
public static class SweepCreation
{
    /// <summary>
    /// A new sweep under a new incarnation id: every cell its searcher lays out, pending, grouped into runs. A searcher
    /// that learns from results lays out none: the coordinator asks it for cells as trainer slots free up.
    /// </summary>
    public static SweepState Create(SweepSpec spec, DatasetSummary dataset, DateTimeOffset now, string? incarnation = null,
        IReadOnlyDictionary<CellParameters, int>? groupWidths = null)
    {
        var trials = (Searchers.For(spec).LearnsFromResults ? [] : SweepCells.Of(spec))
            .Select((parameters, index) => new CellRecord { Id = parameters.CellId, Parameters = parameters, GridIndex = index })
            .ToList();
        // Cells that differ only in their epoch count see the same batches in the same order: one run serves them all.
        var groups = spec.SharedPrefix
            ? trials.GroupBy(t => t.Parameters.WithEpochs(0)).Select(g => g.ToList())
            : trials.Select(t => new List<CellRecord> { t });
        var runs = new List<RunRecord>();
        foreach (var cells in groups)
        {
            // The longest cell leads the run and names it; the others read their epochs off along the way.
            var leader = cells.MaxBy(c => c.Parameters.Epochs)!;
            var run = new RunRecord
            {
                Id = leader.Id,
                Parameters = leader.Parameters,
                Cells = cells.Select(c => c.GridIndex).ToList(),
            };
            cells.ForEach(c => c.RunId = run.Id);
            runs.Add(run);
        }

        var sweep = new SweepState
        {
            Spec = spec, Dataset = dataset, Cells = trials, Runs = runs, CreatedAt = now,
            Incarnation = incarnation ?? Guid.NewGuid().ToString("N"),
            Groups = FusedGroups.Form(runs, spec, groupWidths),
        };
        sweep.MoveTo(SweepStatus.Running);
        return sweep;
    }
}

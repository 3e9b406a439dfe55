using System.Globalization;
using GridSearch.Abstractions;
using Spectre.Console;

namespace GridSearch.Client.Sweeps;

/// <summary>The results table and the winner, as printed at the end of run, resume, watch and status.</summary>
public static class SweepSummaryView
{
    /// <summary>Sweeps with more cells than this show only the best <see cref="TopCells"/> (results.csv has them all).</summary>
    public const int AllCellsUpTo = 20;

    public const int TopCells = 10;

    public static void Render(IAnsiConsole console, SweepSnapshot sweep)
    {
        var parameters = ShownParameters.Of(sweep.Cells.Select(t => t.Parameters));
        var shown = Shown(sweep).ToArray();
        var objective = sweep.Spec.Objective;
        var cells = shown.Select(trial => (Trial: trial, Winner: sweep.Best?.CellId == trial.CellId,
            Parameters: parameters.Select(p => trial.Parameters.Get(p.Name).ToString()).ToArray(),
            Results: new[]
            {
                trial.Status == CellStatus.Stopped ? $"Stopped at {trial.Epochs.Length}" : trial.Status.ToString(),
                trial.BestEpochBy(objective) is var best and > 0 ? best.ToString(CultureInfo.InvariantCulture) : "-",
                objective.Format(trial.BestValue(objective)),
                trial.Seconds.ToString("F1", CultureInfo.InvariantCulture),
            })).ToArray();
        string[] resultColumns = ["status", "best epoch", objective.Column, "seconds"];
        // The cell's id names its parameters too: where a column per parameter would make rows wrap, the id alone says it.
        bool parameterColumns = Width(["cell", .. parameters.Select(ColumnName), .. resultColumns],
            cells.Select(c => new[] { c.Trial.CellId + " *" }.Concat(c.Parameters).Concat(c.Results).ToArray())) <= console.Profile.Width;
        var table = new Table().Border(TableBorder.Rounded).AddColumn("cell");
        foreach (var parameter in parameterColumns ? parameters : [])
        {
            table.AddColumn(ColumnName(parameter));
        }

        table.AddColumns(resultColumns);
        foreach (var (trial, winner, values, results) in cells)
        {
            string Mark(string text) => winner ? $"[bold green]{Markup.Escape(text)}[/]" : Markup.Escape(text);
            table.AddRow(new[] { trial.CellId + (winner ? " *" : "") }.Concat(parameterColumns ? values : []).Concat(results)
                .Select(Mark).ToArray());
        }

        console.Write(table);
        if (sweep.Cells.Length > AllCellsUpTo)
        {
            console.MarkupLine($"[grey]The best {TopCells} of {sweep.Cells.Length:N0} cells by validation accuracy; " +
                               "results.csv and results.json hold every cell.[/]");
        }

        string status = sweep.Status switch
        {
            SweepStatus.Completed => "[green]Completed[/]",
            SweepStatus.Failed => "[red]Failed[/]",
            SweepStatus.Cancelled => "[yellow]Cancelled[/]",
            _ => Markup.Escape(sweep.Status.ToString()),
        };
        console.MarkupLine($"Sweep [bold]{Markup.Escape(sweep.SweepId)}[/]: {status}" +
                           (sweep.Message is null ? "" : $" — {Markup.Escape(sweep.Message)}"));
        console.MarkupLine(Markup.Escape(CellCounts(sweep)));
        if (sweep.Spec.WarmStart is { } warm)
        {
            console.MarkupLine(Markup.Escape($"Warm start: {sweep.Spec.Search} started from {warm.Results.Length} finished cells of sweep {warm.FromSweep}"));
        }

        foreach (string line in BracketLines(sweep))
        {
            console.MarkupLine(Markup.Escape(line));
        }

        if (sweep.Best is { } best)
        {
            console.MarkupLine($"Winner: [bold]{Markup.Escape(best.CellId)}[/], best at epoch {best.Epoch} with " +
                               Markup.Escape(sweep.Spec.Objective.Describe(best.Value)));
            console.MarkupLine($"  {Markup.Escape(ShownParameters.Describe(best.Parameters, parameters))}");
        }

        if (sweep.TestMetrics is { Count: > 0 } reported)
        {
            console.MarkupLine("Test of the winner (its test command): " + Markup.Escape(string.Join(", ",
                reported.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key} {m.Value.ToString("G6", CultureInfo.InvariantCulture)}"))));
        }
        else if (sweep.TestAccuracy is { } test)
        {
            console.MarkupLine($"Test accuracy of the winner: [bold]{test:F4}[/]");
        }

        // Wall time and the work done in it are different things: several slots train at once, so the seconds of
        // training summed over slots can exceed the wall time.
        var t = sweep.Timings;
        console.MarkupLine($"[grey]{t.TotalSeconds:F1} s wall time (loading the data set: {t.DecodeSeconds:F1} s); " +
                           $"{t.EpochsTrained} epochs trained in {t.TrainSeconds:F1} slot-seconds[/]");
    }

    // A rounded table's width: each column's widest text plus its padding and border.
    private static int Width(string[] headers, IEnumerable<string[]> rows) =>
        rows.Aggregate(headers.Select(h => h.Length).ToArray(), (widest, row) => widest.Zip(row, (w, text) => Math.Max(w, text.Length)).ToArray())
            .Sum(w => w + 3) + 1;

    private static string ColumnName(ParameterDefinition parameter) => parameter.Name switch
    {
        ParameterCatalog.LearningRate => "lr",
        ParameterCatalog.BatchSize => "batch",
        _ => parameter.Name,
    };

    /// <summary>
    /// "16 cells: 6 completed, 10 stopped early by halving" — the counts that are not zero ("5 of 24 cells: …" while a
    /// searcher that learns from results is still proposing them).
    /// </summary>
    public static string CellCounts(SweepSnapshot sweep)
    {
        var counts = sweep.Cells.GroupBy(t => t.Status).ToDictionary(g => g.Key, g => g.Count());
        var parts = Enum.GetValues<CellStatus>().Where(counts.ContainsKey).Select(status => status switch
        {
            CellStatus.Stopped => $"{counts[status]} stopped early by {sweep.Spec.Scheduler?.Name}",
            _ => $"{counts[status]} {status.ToString().ToLowerInvariant()}",
        });
        long planned = PlannedCells(sweep);
        string total = planned > sweep.Cells.Length ? $"{sweep.Cells.Length} of {planned} cells" : $"{sweep.Cells.Length} cells";
        return $"{total}: {string.Join(", ", parts)}";
    }

    /// <summary>
    /// A hyperband sweep's brackets, one line each, with how many of its cells reached each rung so far and how many the
    /// schedule lets on: "bracket s=2: 9 cells from epoch 1; rung 1: 9/9 reached, best 3 go on; rung 3: 3/3 reached, best 1 go on".
    /// </summary>
    public static IEnumerable<string> BracketLines(SweepSnapshot sweep)
    {
        foreach (var bracket in HyperbandSchedule.Of(sweep.Spec) ?? [])
        {
            var cells = sweep.Cells.Skip(bracket.FirstCell).Take(bracket.Cells).ToList();
            var rungs = bracket.Rungs.Select(r =>
                $"rung {r.Epoch}: {cells.Count(c => c.Epochs.Length >= r.Epoch)}/{r.Cells} reached, best {r.Promoted} go on");
            yield return $"bracket s={bracket.S}: {bracket.Cells} cells from epoch {bracket.MinEpochs}" +
                         string.Concat(rungs.Select(r => "; " + r));
        }
    }

    /// <summary>
    /// The cells the sweep will have: a searcher that learns from results adds them as it goes, up to its budget (fewer
    /// when its space runs out, which only the finished sweep knows).
    /// </summary>
    public static long PlannedCells(SweepSnapshot sweep) =>
        Searchers.Find(sweep.Spec.Search) is { LearnsFromResults: true } searcher && !sweep.Status.IsFinal()
            ? Math.Max(searcher.Count(sweep.Spec), sweep.Cells.Length)
            : sweep.Cells.Length;

    /// <summary>Every cell of a small sweep; of a large one the best few (the winner first among equals), in grid order.</summary>
    private static IEnumerable<CellSnapshot> Shown(SweepSnapshot sweep)
    {
        if (sweep.Cells.Length <= AllCellsUpTo)
        {
            return sweep.Cells;
        }

        var best = sweep.Cells.Select((trial, index) => (trial, index))
            .OrderByDescending(x => x.trial.CellId == sweep.Best?.CellId)
            .ThenByDescending(x => sweep.Spec.Objective.ScoreOf(x.trial.BestValue(sweep.Spec.Objective)))
            .ThenBy(x => x.index)
            .Take(TopCells)
            .ToHashSet();
        return best.OrderBy(x => x.index).Select(x => x.trial);
    }
}

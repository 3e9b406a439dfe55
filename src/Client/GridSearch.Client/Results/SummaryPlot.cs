using System.Globalization;
using GridSearch.Abstractions;
using GridSearch.Client.Sweeps;
using ScottPlot;

namespace GridSearch.Client.Results;

/// <summary>
/// summary.png: best validation accuracy over the parameters the sweep varied. Two varied parameters (or one) give a
/// heatmap, each square the best cell with those two values; more give parallel coordinates, a line per cell through
/// one axis per parameter, coloured by its best validation accuracy, the winner in red. Either stays readable at ten
/// thousand cells: the heatmap has a square per pair of values, and parallel coordinates draw the best
/// <see cref="DrawnLines"/> cells.
/// </summary>
public static class SummaryPlot
{
    public const int DrawnLines = 500;

    private const int MaxAxes = 8;

    public static byte[] RenderPng(SweepSnapshot sweep, int width = 1200, int height = 700)
    {
        var plot = new Plot();
        var objective = sweep.Spec.Objective;
        var scored = sweep.Cells.Where(t => t.BestValue(objective) is { } v && !double.IsNaN(v)).ToArray();
        var candidates = sweep.Spec.Program is null ? ParameterCatalog.All : ShownParameters.Of(sweep.Cells.Select(c => c.Parameters));
        var varied = candidates
            .Select(p => (Parameter: p, Values: Sorted(scored.Select(t => t.Parameters.Get(p.Name)))))
            .Where(x => x.Values.Length > 1)
            .OrderByDescending(x => x.Values.Length).ThenBy(x => candidates.ToList().IndexOf(x.Parameter))
            .Take(MaxAxes)
            .ToArray();
        if (scored.Length == 0)
        {
            plot.Title($"Sweep {sweep.SweepId}: no cell has finished an epoch");
        }
        else if (varied.Length <= 2)
        {
            var first = candidates[0];
            Heatmap(plot, sweep, scored, varied, (first, Sorted(scored.Select(c => c.Parameters.Get(first.Name)))));
        }
        else
        {
            ParallelCoordinates(plot, sweep, scored, varied);
        }

        using var image = plot.GetImage(width, height);
        return image.GetImageBytes(ImageFormat.Png);
    }

    private static void Heatmap(Plot plot, SweepSnapshot sweep, CellSnapshot[] cells,
        (ParameterDefinition Parameter, ParameterValue[] Values)[] varied, (ParameterDefinition Parameter, ParameterValue[] Values) first)
    {
        var objective = sweep.Spec.Objective;
        // One varied parameter: a single row. None: a single square.
        var x = varied.Length > 0 ? varied[0] : first;
        var y = varied.Length > 1 ? varied[1] : ((ParameterDefinition Parameter, ParameterValue[] Values)?)null;
        int columns = x.Values.Length, rows = y?.Values.Length ?? 1;
        // The best cell for each pair of values (other parameters may vary too), rows counted from the bottom.
        var best = new Dictionary<(int Column, int Row), double>();
        foreach (var cell in cells)
        {
            var key = (Array.IndexOf(x.Values, cell.Parameters.Get(x.Parameter.Name)),
                y is { } yAxis ? Array.IndexOf(yAxis.Values, cell.Parameters.Get(yAxis.Parameter.Name)) : 0);
            double accuracy = cell.BestValue(objective)!.Value;
            best[key] = best.TryGetValue(key, out double known) && objective.ScoreOf(known) >= objective.ScoreOf(accuracy) ? known : accuracy;
        }

        double low = best.Values.Min(), high = best.Values.Max();
        var colormap = new ScottPlot.Colormaps.Viridis();
        bool labelled = best.Count <= 400;
        foreach (var ((column, row), accuracy) in best)
        {
            double fraction = high > low ? (accuracy - low) / (high - low) : 1;
            var square = plot.Add.Rectangle(column - 0.5, column + 0.5, row - 0.5, row + 0.5);
            square.FillColor = colormap.GetColor(fraction);
            square.LineWidth = 0;
            if (labelled)
            {
                var text = plot.Add.Text(accuracy.ToString("F3", CultureInfo.InvariantCulture), column, row);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontColor = fraction > 0.5 ? Colors.Black : Colors.White;
            }
        }

        plot.Add.ColorBar(new AccuracyScale(colormap, low, high)).Label = Label(objective);
        Ticks(plot.Axes.Bottom, x.Values);
        plot.XLabel(x.Parameter.Label);
        if (y is { } shownY)
        {
            Ticks(plot.Axes.Left, shownY.Values);
            plot.YLabel(shownY.Parameter.Label);
        }
        else
        {
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual();
        }

        plot.Axes.SetLimits(-0.5, columns - 0.5, -0.5, rows - 0.5);
        string over = y is null ? x.Parameter.Label : $"{x.Parameter.Label} × {y.Value.Parameter.Label}";
        plot.Title($"Sweep {sweep.SweepId}: {Label(objective)} by {over}");
    }

    private static void ParallelCoordinates(Plot plot, SweepSnapshot sweep, CellSnapshot[] cells,
        (ParameterDefinition Parameter, ParameterValue[] Values)[] axes)
    {
        var objective = sweep.Spec.Objective;
        var ranked = cells.OrderByDescending(c => c.CellId == sweep.Best?.CellId)
            .ThenByDescending(c => objective.ScoreOf(c.BestValue(objective))).Take(DrawnLines).Reverse().ToArray(); // best drawn last, on top
        double low = ranked.Min(c => c.BestValue(objective)!.Value), high = ranked.Max(c => c.BestValue(objective)!.Value);
        var colormap = new ScottPlot.Colormaps.Viridis();
        double[] xs = Enumerable.Range(0, axes.Length).Select(i => (double)i).ToArray();
        foreach (var cell in ranked)
        {
            double[] ys = axes.Select(a => Position(a.Values, cell.Parameters.Get(a.Parameter.Name))).ToArray();
            bool winner = cell.CellId == sweep.Best?.CellId;
            double fraction = high > low ? (cell.BestValue(objective)!.Value - low) / (high - low) : 1;
            var line = plot.Add.ScatterLine(xs, ys, winner ? Colors.Red : colormap.GetColor(fraction).WithAlpha(0.7));
            line.LineWidth = winner ? 4 : 1.5f;
        }

        for (int i = 0; i < axes.Length; i++)
        {
            plot.Add.VerticalLine(i, 1, Colors.Black);
            var values = axes[i].Values;
            foreach (int index in new[] { 0, values.Length / 2, values.Length - 1 }.Distinct())
            {
                var label = plot.Add.Text(values[index].ToString(), i, Position(values, values[index]));
                label.LabelAlignment = Alignment.MiddleLeft;
                label.LabelFontSize = 11;
            }
        }

        var colorBar = plot.Add.ColorBar(new AccuracyScale(colormap, low, high), Edge.Right);
        colorBar.Label = Label(objective);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(xs, axes.Select(a => a.Parameter.Label).ToArray());
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual();
        plot.Axes.SetLimits(-0.3, axes.Length - 0.5, -0.05, 1.05);
        string shown = ranked.Length < cells.Length ? $"the best {ranked.Length:N0} of {cells.Length:N0} cells" : $"{cells.Length:N0} cells";
        plot.Title($"Sweep {sweep.SweepId}: {shown}, one line each (red: the winner)");
    }

    private static string Label(Objective objective) =>
        objective == Objective.Default ? "best validation accuracy" : $"best {objective.Metric} ({objective.Mode.ToString().ToLowerInvariant()})";

    // A value's place on its axis, 0 (lowest) to 1 (highest), by rank: even spacing suits lists and log ranges alike.
    private static double Position(ParameterValue[] values, ParameterValue value) =>
        values.Length == 1 ? 0.5 : (double)Array.IndexOf(values, value) / (values.Length - 1);

    private static ParameterValue[] Sorted(IEnumerable<ParameterValue> values) => values.Distinct()
        .OrderBy(v => v.IsText ? 1 : 0).ThenBy(v => v.Number).ThenBy(v => v.Text, StringComparer.Ordinal).ToArray();

    private static void Ticks(ScottPlot.IAxis axis, ParameterValue[] values)
    {
        // Many values (random search) would crowd the axis: label about a dozen of them.
        int step = Math.Max(1, (int)Math.Ceiling(values.Length / 12.0));
        var shown = Enumerable.Range(0, values.Length).Where(i => i % step == 0).ToArray();
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            shown.Select(i => (double)i).ToArray(), shown.Select(i => values[i].ToString()).ToArray());
    }


    /// <summary>The colour scale of the lines, for the colour bar.</summary>
    private sealed class AccuracyScale(IColormap colormap, double low, double high) : IHasColorAxis
    {
        public IColormap Colormap => colormap;

        public ScottPlot.Range GetRange() => new(low, high);
    }
}

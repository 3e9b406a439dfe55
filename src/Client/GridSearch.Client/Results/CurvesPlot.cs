using GridSearch.Abstractions;
using ScottPlot;

namespace GridSearch.Client.Results;

/// <summary>
/// curves.png: training loss (left) and validation accuracy (right) per epoch, one colour per cell with a shared
/// legend, like the baseline's plot extended to the whole grid. A sweep of more than <see cref="DrawnCells"/> cells
/// draws its best cells (the winner thicker) over a grey band that spans every cell's values at each epoch, so the plot
/// stays readable at ten thousand cells. A program's sweep shows its objective on the right, and on the left its
/// train_loss where it reports one.
/// </summary>
public static class CurvesPlot
{
    private static readonly double[] WarmUpX = [1, 2];
    private static readonly double[] WarmUpY = [0.5, 0.6];

    /// <summary>
    /// Loads the plotting stack (native renderer, fonts, code) off the critical path, e.g. while a sweep trains, so
    /// that writing curves.png at the end does not pay for it. Best effort: a real problem shows up in the real render.
    /// </summary>
    public static Task WarmUpAsync() => Task.Run(() =>
    {
        try
        {
            var plot = new Plot();
            plot.Add.Scatter(WarmUpX, WarmUpY);
            plot.Title("warm-up");
            using var image = plot.GetImage(64, 64);
            _ = image.GetImageBytes(ImageFormat.Png);
        }
        catch (Exception)
        {
            // Nothing to report here: RenderPng will report it where it matters.
        }
    });

    /// <summary>Cells drawn as lines; beyond this many, the best ones are drawn and the rest summarised.</summary>
    public const int DrawnCells = 10;

    public static byte[] RenderPng(SweepSnapshot sweep, int width = 1400, int height = 560)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        Plot loss = multiplot.GetPlot(0);
        Plot accuracy = multiplot.GetPlot(1);
        var palette = new ScottPlot.Palettes.Category10();
        var objective = sweep.Spec.Objective;
        Func<EpochMetrics, double> trainLoss = e => Objective.Reported(e, Objective.TrainLoss) ?? double.NaN;
        Func<EpochMetrics, double> value = e => objective.ValueOf(e) ?? double.NaN;
        var drawn = sweep.Cells;
        if (sweep.Cells.Length > DrawnCells)
        {
            Band(loss, sweep, trainLoss, legend: null);
            Band(accuracy, sweep, value, legend: $"all {sweep.Cells.Length:N0} cells (lowest to highest)");
            drawn = sweep.Cells.Select((trial, index) => (trial, index))
                .OrderByDescending(x => x.trial.CellId == sweep.Best?.CellId)
                .ThenByDescending(x => objective.ScoreOf(x.trial.BestValue(objective)))
                .ThenBy(x => x.index)
                .Take(DrawnCells)
                .OrderBy(x => x.index)
                .Select(x => x.trial)
                .ToArray();
        }

        for (int i = 0; i < drawn.Length; i++)
        {
            var trial = drawn[i];
            if (trial.Epochs.Length == 0)
            {
                continue;
            }

            var colour = palette.GetColor(i);
            var lossLine = loss.Add.Scatter(Xs(trial, trainLoss), Ys(trial, trainLoss), colour);
            lossLine.LegendText = trial.CellId;
            var accuracyLine = accuracy.Add.Scatter(Xs(trial, value), Ys(trial, value), colour);
            bool isBest = sweep.Best?.CellId == trial.CellId;
            accuracyLine.LineWidth = isBest ? 3 : 1.5f;
            lossLine.LineWidth = isBest ? 3 : 1.5f;
            accuracyLine.LegendText = isBest ? $"{trial.CellId} (best)" : trial.CellId;
        }

        loss.Title("Training loss per epoch");
        loss.XLabel("Epoch");
        loss.YLabel(sweep.Spec.Program is null ? "Mean BCE loss" : Objective.TrainLoss);
        accuracy.Title(objective == Objective.Default
            ? $"Validation accuracy per epoch — sweep {sweep.SweepId}"
            : $"{objective.Metric} per epoch — sweep {sweep.SweepId}");
        accuracy.XLabel("Epoch");
        accuracy.YLabel(objective == Objective.Default ? "Accuracy" : objective.Metric);
        accuracy.ShowLegend(Alignment.LowerRight);
        loss.HideLegend();
        foreach (var plot in new[] { loss, accuracy })
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        }

        using var image = multiplot.Render(width, height);
        return image.GetImageBytes(ImageFormat.Png);
    }

    // A program may leave a metric out of some epochs: those points are left out of its line.
    private static double[] Xs(CellSnapshot cell, Func<EpochMetrics, double> value) =>
        cell.Epochs.Where(e => double.IsFinite(value(e))).Select(e => (double)e.Epoch).ToArray();

    private static double[] Ys(CellSnapshot cell, Func<EpochMetrics, double> value) =>
        cell.Epochs.Select(value).Where(double.IsFinite).ToArray();

    /// <summary>A grey band from the lowest to the highest value any cell reached at each epoch.</summary>
    private static void Band(Plot plot, SweepSnapshot sweep, Func<EpochMetrics, double> value, string? legend)
    {
        var byEpoch = sweep.Cells.SelectMany(t => t.Epochs).Where(e => double.IsFinite(value(e))).GroupBy(e => e.Epoch).OrderBy(g => g.Key)
            .Select(g => (Epoch: (double)g.Key, Low: g.Min(value), High: g.Max(value))).ToArray();
        if (byEpoch.Length == 0)
        {
            return;
        }

        var band = plot.Add.FillY(byEpoch.Select(b => b.Epoch).ToArray(), byEpoch.Select(b => b.Low).ToArray(),
            byEpoch.Select(b => b.High).ToArray());
        band.FillColor = Colors.Gray.WithAlpha(0.3);
        band.LineWidth = 0;
        if (legend is not null)
        {
            band.LegendText = legend;
        }
    }
}

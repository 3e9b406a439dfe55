using GridSearch.Abstractions;
using ScottPlot;

namespace GridSearch.Client.Results;

/// <summary>
/// curves.png: training loss (left) and validation accuracy (right) per epoch for every trial, one colour per
/// trial with a shared legend, like the seed program's plot extended to the whole grid.
/// </summary>
public static class CurvesPlot
{
    /// <summary>
    /// Loads the plotting stack (native renderer, fonts, code) off the critical path, e.g. while a sweep trains, so
    /// that writing curves.png at the end does not pay for it. Best effort: a real problem shows up in the real render.
    /// </summary>
    public static Task WarmUpAsync() => Task.Run(() =>
    {
        try
        {
            var plot = new Plot();
            plot.Add.Scatter(new double[] { 1, 2 }, new double[] { 0.5, 0.6 });
            plot.Title("warm-up");
            using var image = plot.GetImage(64, 64);
            _ = image.GetImageBytes(ImageFormat.Png);
        }
        catch (Exception)
        {
            // Nothing to report here: RenderPng will report it where it matters.
        }
    });

    public static byte[] RenderPng(SweepSnapshot sweep, int width = 1400, int height = 560)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        Plot loss = multiplot.GetPlot(0);
        Plot accuracy = multiplot.GetPlot(1);
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < sweep.Trials.Length; i++)
        {
            var trial = sweep.Trials[i];
            if (trial.Epochs.Length == 0)
            {
                continue;
            }

            double[] epochs = trial.Epochs.Select(e => (double)e.Epoch).ToArray();
            var colour = palette.GetColor(i);
            var lossLine = loss.Add.Scatter(epochs, trial.Epochs.Select(e => e.TrainLoss).ToArray(), colour);
            lossLine.LegendText = trial.TrialId;
            var accuracyLine = accuracy.Add.Scatter(epochs, trial.Epochs.Select(e => e.ValidationAccuracy).ToArray(), colour);
            bool isBest = sweep.Best?.TrialId == trial.TrialId;
            accuracyLine.LineWidth = isBest ? 3 : 1.5f;
            lossLine.LineWidth = isBest ? 3 : 1.5f;
            accuracyLine.LegendText = isBest ? $"{trial.TrialId} (best)" : trial.TrialId;
        }

        loss.Title("Training loss per epoch");
        loss.XLabel("Epoch");
        loss.YLabel("Mean BCE loss");
        accuracy.Title($"Validation accuracy per epoch — sweep {sweep.SweepId}");
        accuracy.XLabel("Epoch");
        accuracy.YLabel("Accuracy");
        accuracy.ShowLegend(Alignment.LowerRight);
        loss.HideLegend();
        foreach (var plot in new[] { loss, accuracy })
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        }

        using var image = multiplot.Render(width, height);
        return image.GetImageBytes(ImageFormat.Png);
    }
}

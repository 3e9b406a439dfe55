using System.Globalization;
using System.Text;
using GridSearch.Abstractions;

namespace GridSearch.Client.Results;

/// <summary>results.csv: one row per cell × epoch, a column per parameter, for spreadsheets and pandas.</summary>
public static class ResultsCsv
{
    // The baseline's three first, where tools written against earlier files find them; then the others in catalog order.
    private static readonly string[] ParameterColumns = new[] { ParameterCatalog.LearningRate, ParameterCatalog.BatchSize, ParameterCatalog.Epochs }
        .Concat(ParameterCatalog.All.Select(p => p.Name)).Distinct().ToArray();

    public static readonly string Header =
        string.Join(',', new[] { "trial_id" }.Concat(ParameterColumns)
            .Concat(["epoch", "train_loss", "val_accuracy", "seconds", "samples_per_second", "status"]));

    public static string Render(SweepSnapshot sweep)
    {
        var csv = new StringBuilder().AppendLine(Header);
        foreach (var trial in sweep.Cells)
        {
            // Architecture parameters of another model than the cell's stay empty.
            var applies = trial.Parameters.Values.Select(s => s.Name).ToHashSet();
            string parameters = string.Join(',', ParameterColumns.Select(name => !applies.Contains(name) ? ""
                : trial.Parameters.Get(name) is var v && v.IsText ? v.Text : Number(v.Number)));
            foreach (var epoch in trial.Epochs)
            {
                csv.AppendLine(string.Join(',',
                    trial.CellId,
                    parameters,
                    epoch.Epoch.ToString(CultureInfo.InvariantCulture),
                    Number(epoch.TrainLoss),
                    Number(epoch.ValidationAccuracy),
                    Number(epoch.Seconds),
                    Number(epoch.SamplesPerSecond),
                    trial.Status.ToString()));
            }
        }

        return csv.ToString();
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

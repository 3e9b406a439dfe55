using System.Globalization;
using System.Text;
using GridSearch.Abstractions;

namespace GridSearch.Client.Results;

/// <summary>
/// results.csv: one row per cell × epoch, a column per parameter, for spreadsheets and pandas. A program's sweep has a
/// column per parameter of its own and per metric it reported.
/// </summary>
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
        if (sweep.Spec.Program is not null)
        {
            return RenderProgram(sweep);
        }

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

    private static string RenderProgram(SweepSnapshot sweep)
    {
        string[] parameters = sweep.Spec.Space.Select(d => d.Name).ToArray();
        string[] metrics = sweep.Cells.SelectMany(c => c.Epochs).SelectMany(e => e.Reported?.Keys.AsEnumerable() ?? [])
            .Distinct().Order(StringComparer.Ordinal).ToArray();
        var csv = new StringBuilder().AppendLine(string.Join(',', parameters.Prepend("trial_id").Append("epoch")
            .Concat(metrics).Append("seconds").Append("status").Select(Field)));
        foreach (var cell in sweep.Cells)
        {
            string values = string.Join(',', parameters.Select(name => cell.Parameters.Get(name) is var v && v.IsText ? Field(v.Text!) : Number(v.Number)));
            foreach (var epoch in cell.Epochs)
            {
                csv.AppendLine(string.Join(',', new[] { Field(cell.CellId), values, epoch.Epoch.ToString(CultureInfo.InvariantCulture) }
                    .Concat(metrics.Select(m => epoch.Reported is { } r && r.TryGetValue(m, out double v) ? Number(v) : ""))
                    .Concat([Number(epoch.Seconds), cell.Status.ToString()])));
            }
        }

        return csv.ToString();
    }

    // RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
    private static string Field(string text) => text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

using System.Globalization;
using GridSearch.Abstractions;
using Spectre.Console;

namespace GridSearch.Client.Sweeps;

/// <summary>The results table and the winner, as printed at the end of run, resume, watch and status.</summary>
public static class SweepSummaryView
{
    public static void Render(IAnsiConsole console, SweepSnapshot sweep)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("trial", "lr", "batch", "epochs", "status", "best epoch", "best val acc", "seconds");
        foreach (var trial in sweep.Trials)
        {
            bool winner = sweep.Best?.TrialId == trial.TrialId;
            string Mark(string text) => winner ? $"[bold green]{Markup.Escape(text)}[/]" : Markup.Escape(text);
            table.AddRow(
                Mark(trial.TrialId + (winner ? " *" : "")),
                Mark(trial.Parameters.LearningRate.ToString("R", CultureInfo.InvariantCulture)),
                Mark(trial.Parameters.BatchSize.ToString(CultureInfo.InvariantCulture)),
                Mark(trial.Parameters.Epochs.ToString(CultureInfo.InvariantCulture)),
                Mark(trial.Status.ToString()),
                Mark(trial.BestEpoch == 0 ? "-" : trial.BestEpoch.ToString(CultureInfo.InvariantCulture)),
                Mark(trial.BestValidationAccuracy is { } acc ? acc.ToString("F4", CultureInfo.InvariantCulture) : "-"),
                Mark(trial.Seconds.ToString("F1", CultureInfo.InvariantCulture)));
        }

        console.Write(table);
        string status = sweep.Status switch
        {
            SweepStatus.Completed => "[green]Completed[/]",
            SweepStatus.Failed => "[red]Failed[/]",
            SweepStatus.Cancelled => "[yellow]Cancelled[/]",
            _ => Markup.Escape(sweep.Status.ToString()),
        };
        console.MarkupLine($"Sweep [bold]{Markup.Escape(sweep.SweepId)}[/]: {status}" +
                           (sweep.Message is null ? "" : $" — {Markup.Escape(sweep.Message)}"));
        if (sweep.Best is { } best)
        {
            console.MarkupLine(
                $"Winner: [bold]{Markup.Escape(best.TrialId)}[/] (lr={best.Parameters.LearningRate.ToString("R", CultureInfo.InvariantCulture)}, " +
                $"batch size={best.Parameters.BatchSize}, epochs={best.Parameters.Epochs}), best at epoch {best.Epoch} " +
                $"with validation accuracy {best.ValidationAccuracy:F4}");
        }

        if (sweep.TestAccuracy is { } test)
        {
            console.MarkupLine($"Test accuracy of the winner: [bold]{test:F4}[/]");
        }

        var t = sweep.Timings;
        console.MarkupLine($"[grey]{t.TotalSeconds:F1} s in all: data {t.DecodeSeconds:F1} s, training {t.TrainSeconds:F1} s " +
                           $"over {t.EpochsTrained} epochs[/]");
    }
}

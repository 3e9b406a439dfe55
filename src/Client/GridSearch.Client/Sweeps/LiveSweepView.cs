using System.Globalization;
using GridSearch.Abstractions;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace GridSearch.Client.Sweeps;

/// <summary>
/// What <c>run</c> and <c>watch</c> show on a terminal while a sweep runs, redrawn in place: the data set's loading
/// progress, then the cells finished, cells by state, epochs per second, an estimate of the time left, the best cells
/// so far and the latest events.
/// </summary>
public sealed class LiveSweepView(TimeProvider clock)
{
    public const int BestShown = 5;
    private const int EventsShown = 5;

    // Recent (time, epochs trained) samples: the rate is measured over the last half minute, so it follows changes.
    private readonly Queue<(DateTimeOffset At, int Epochs)> _samples = new();
    private readonly Queue<string> _events = new();

    /// <summary>A line for the events part of the view (a finished or failed cell, a trainer lost): latest kept.</summary>
    public void Add(string markup)
    {
        _events.Enqueue(markup);
        while (_events.Count > EventsShown)
        {
            _events.Dequeue();
        }
    }

    public IRenderable Render(SweepSnapshot? sweep)
    {
        if (sweep is null)
        {
            return new Markup("[grey]Connecting to the sweep...[/]");
        }

        var now = clock.GetUtcNow();
        _samples.Enqueue((now, sweep.Timings.EpochsTrained));
        while (_samples.Count > 2 && now - _samples.Peek().At > TimeSpan.FromSeconds(30))
        {
            _samples.Dequeue();
        }

        var rows = new List<IRenderable>
        {
            new Markup($"Sweep [bold]{Markup.Escape(sweep.SweepId)}[/] — {Markup.Escape(sweep.Status.ToString())}" +
                       (sweep.Message is null ? "" : $": [yellow]{Markup.Escape(sweep.Message)}[/]")),
        };
        if (sweep.Status == SweepStatus.Pending)
        {
            rows.Add(new Markup($"[grey]{Markup.Escape(sweep.Message ?? "Loading the data set on a trainer silo...")}[/]"));
            return new Rows(rows);
        }

        int finished = sweep.Cells.Count(t => t.Status.IsFinal());
        rows.Add(new Markup($"{Bar(finished, sweep.Cells.Length)} {finished:N0}/{sweep.Cells.Length:N0} cells finished"));
        rows.Add(new Markup(Markup.Escape(SweepSummaryView.CellCounts(sweep))));
        rows.Add(new Markup(Markup.Escape(Throughput(sweep))));
        if (sweep.Best is { } best)
        {
            rows.Add(new Markup($"Best so far: [bold green]{Markup.Escape(best.CellId)}[/] epoch {best.Epoch}, " +
                                $"{Markup.Escape(sweep.Spec.Objective.Describe(best.Value))}"));
        }

        var objective = sweep.Spec.Objective;
        var leaders = sweep.Cells.Where(t => t.BestValue(objective) is not null)
            .OrderByDescending(t => objective.ScoreOf(t.BestValue(objective))).Take(BestShown).ToArray();
        if (leaders.Length > 0)
        {
            var table = new Table().Border(TableBorder.Simple).AddColumns("best cells so far", "status", "epochs", Markup.Escape(objective.Column));
            foreach (var cell in leaders)
            {
                table.AddRow(Markup.Escape(cell.CellId), Markup.Escape(cell.Status.ToString()),
                    $"{cell.Epochs.Length}/{cell.Parameters.Epochs}",
                    objective.Format(cell.BestValue(objective)));
            }

            rows.Add(table);
        }

        rows.AddRange(_events.Select(e => new Markup($"[grey]{e}[/]")));
        return new Rows(rows);
    }

    private string Throughput(SweepSnapshot sweep)
    {
        var (firstAt, firstEpochs) = _samples.Peek();
        var (lastAt, lastEpochs) = _samples.Last();
        double seconds = (lastAt - firstAt).TotalSeconds;
        string text = $"{sweep.Timings.EpochsTrained:N0} epochs trained";
        if (seconds < 1 || lastEpochs <= firstEpochs)
        {
            return text;
        }

        double rate = (lastEpochs - firstEpochs) / seconds;
        text += $" · {rate:F1} epochs/s";
        // At most what is left: cells the scheduler stops early finish sooner.
        int left = EpochsLeft(sweep);
        return left > 0 ? text + $" · at most about {Duration(left / rate)} left" : text;
    }

    // Cells that differ only in their epoch count share a run: what is left is each run's longest unfinished cell.
    private static int EpochsLeft(SweepSnapshot sweep) => sweep.Cells.Where(t => !t.Status.IsFinal())
        .GroupBy(t => sweep.Spec.SharedPrefix ? t.Parameters.WithEpochs(0) : t.Parameters)
        .Sum(run => run.Max(t => t.Parameters.Epochs) - run.Max(t => t.Epochs.Length));

    private static string Duration(double seconds) => seconds switch
    {
        < 60 => $"{Math.Ceiling(seconds):F0} s",
        < 3600 => $"{Math.Floor(seconds / 60):F0} min {Math.Ceiling(seconds % 60):F0} s",
        _ => $"{Math.Floor(seconds / 3600):F0} h {Math.Ceiling(seconds % 3600 / 60):F0} min",
    };

    private static string Bar(int done, int total)
    {
        const int width = 30;
        int filled = total == 0 ? width : (int)((long)width * done / total);
        return $"[green]{new string('━', filled)}[/][grey]{new string('━', width - filled)}[/] {(total == 0 ? 100 : 100L * done / total),3}%";
    }
}

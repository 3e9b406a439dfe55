using Spectre.Console;

namespace GridSearch.Client.Output;

/// <summary>
/// Where a command writes. Human-readable progress goes to <see cref="Human"/>; with --json it moves to stderr so
/// that stdout carries the JSON document and nothing else.
/// </summary>
public sealed class CliOutput
{
    private CliOutput(IAnsiConsole human, TextWriter data, bool everyEpoch, bool live)
    {
        Human = human;
        Data = data;
        EveryEpoch = everyEpoch;
        Live = live;
    }

    public IAnsiConsole Human { get; }

    public TextWriter Data { get; }

    /// <summary>
    /// Whether progress shows a line per epoch: with --verbose. Otherwise a terminal gets a live view redrawn in place
    /// (<see cref="Live"/>), and logs, CI and pipes get one line per finished cell, so a sweep of thousands of cells
    /// does not print tens of thousands of lines.
    /// </summary>
    public bool EveryEpoch { get; }

    /// <summary>Whether progress is a live view redrawn in place: on a terminal, without --verbose.</summary>
    public bool Live { get; }

    public static CliOutput For(bool json, bool verbose = false)
    {
        var writer = json ? Console.Error : Console.Out;
        bool terminal = !(writer == Console.Out ? Console.IsOutputRedirected : Console.IsErrorRedirected);
        return new CliOutput(Create(writer), Console.Out, everyEpoch: verbose, live: terminal && !verbose);
    }

    private static IAnsiConsole Create(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        // Redirected output (logs, CI, tests) should not be wrapped at an assumed 80 columns.
        if (writer == Console.Out ? Console.IsOutputRedirected : Console.IsErrorRedirected)
        {
            console.Profile.Width = 240;
        }

        return console;
    }

    /// <summary>Writes a sweep's results document (the contents of results.json) to stdout.</summary>
    public Task WriteResultsAsync(GridSearch.Abstractions.SweepSnapshot sweep) =>
        Data.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(Results.ResultsDocument.From(sweep), Json.Options));

    public void Warn(string message) => Human.MarkupLineInterpolated($"[yellow]warning:[/] {message}");

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Part of the output's instance API beside Warn; errors always go to stderr.")]
    public void Error(string message) => Create(Console.Error).MarkupLineInterpolated($"[red]error:[/] {message}");
}

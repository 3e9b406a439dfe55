using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace GridSearch.Run;

/// <summary>
/// GridSearch's contract for your own training program, for .NET programs (the Python helper is
/// python/gridsearch_run.py). GridSearch starts the program once per run with the cell's values; the program trains,
/// keeps its checkpoint in <see cref="RunDirectory"/>, resumes from what it finds there, and reports each epoch:
/// <code>
/// int start = LoadCheckpoint(GridSearchRun.RunDirectory);          // 0 on the first attempt
/// for (int epoch = start + 1; epoch &lt;= GridSearchRun.Epochs; epoch++)
/// {
///     double loss = TrainOneEpoch(GridSearchRun.Number("lr"));
///     SaveCheckpoint(GridSearchRun.RunDirectory, epoch);           // first the checkpoint...
///     GridSearchRun.Report(epoch, ("val_accuracy", Evaluate()), ("train_loss", loss));   // ...then the report
/// }
/// </code>
/// </summary>
public static class GridSearchRun
{
    /// <summary>What starts a report line on standard output.</summary>
    public const string ReportPrefix = "GRIDSEARCH_REPORT";

    /// <summary>How long <see cref="Report"/> waits for GridSearch to say the run folder is saved before going on.</summary>
    public static readonly TimeSpan SavedTimeout = TimeSpan.FromSeconds(60);

    private static readonly Lazy<IReadOnlyDictionary<string, JsonElement>> Values = new(() =>
    {
        using var document = JsonDocument.Parse(Variable("GRIDSEARCH_PARAMS"));
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
    });

    private static readonly SemaphoreSlim Saved = new(0);
    private static PosixSignalRegistration? _listening;

    /// <summary>The cell's values by parameter name (numbers as JSON numbers, choices as strings).</summary>
    public static IReadOnlyDictionary<string, JsonElement> Parameters => Values.Value;

    /// <summary>A numeric parameter's value; fails naming the parameter when the cell has none of that name.</summary>
    public static double Number(string name) => Value(name).GetDouble();

    /// <summary>A text parameter's value (a choice such as an optimizer's name).</summary>
    public static string Text(string name) => Value(name).ToString();

    /// <summary>The run's own folder: it survives retries, resume and the run moving to another trainer.</summary>
    public static string RunDirectory => Variable("GRIDSEARCH_RUN_DIR");

    /// <summary>How far this run trains (1-based, inclusive): stop after reporting this epoch.</summary>
    public static int Epochs => int.Parse(Variable("GRIDSEARCH_EPOCHS"), CultureInfo.InvariantCulture);

    /// <summary>The sweep's random seed: seed every random source with it for results that repeat.</summary>
    public static long Seed => long.Parse(Variable("GRIDSEARCH_SEED"), CultureInfo.InvariantCulture);

    /// <summary>The run's id (the cell's id for runs of one cell).</summary>
    public static string RunId => Variable("GRIDSEARCH_RUN_ID");

    /// <summary>The sweep's data root (data: or --data), or null when it names none.</summary>
    public static string? DataDirectory => Environment.GetEnvironmentVariable("GRIDSEARCH_DATA") is { Length: > 0 } data ? data : null;

    /// <summary>
    /// Reports a finished epoch (1-based, one after the other) with its metrics, after its checkpoint is in the run
    /// folder. Returns once GridSearch has saved the folder (it pauses the program while it does and says so with
    /// SIGCONT), so the next epoch's writes never reach that copy.
    /// </summary>
    public static void Report(int epoch, params (string Name, double Value)[] metrics)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epoch, 1);
        var values = new Dictionary<string, object> { ["epoch"] = epoch };
        foreach (var (name, value) in metrics)
        {
            // JSON has no NaN or infinity: GridSearch reads them as strings.
            values[name] = double.IsFinite(value) ? value : value.ToString(CultureInfo.InvariantCulture);
        }

        bool waits = ListenForSaves();
        while (Saved.Wait(0))
        {
            // A SIGCONT that came before this report (a stop's, or an earlier report's extra one) says nothing of it.
        }

        Console.Out.Write($"{ReportPrefix} {JsonSerializer.Serialize(values)}\n");
        Console.Out.Flush();
        if (waits && !Saved.Wait(SavedTimeout))
        {
            Console.Error.WriteLine($"GridSearch.Run: no word that epoch {epoch}'s folder was saved after {SavedTimeout.TotalSeconds:F0} s; going on");
        }
    }

    private static bool ListenForSaves()
    {
        if (_listening is not null)
        {
            return true;
        }

        if (Environment.GetEnvironmentVariable("GRIDSEARCH_REPORT_ACK") != "SIGCONT" || OperatingSystem.IsWindows())
        {
            return false;
        }

        _listening = PosixSignalRegistration.Create(PosixSignal.SIGCONT, _ => Saved.Release());
        return true;
    }

    private static JsonElement Value(string name) => Parameters.TryGetValue(name, out var value)
        ? value
        : throw new KeyNotFoundException($"the cell has no parameter '{name}' (it has {string.Join(", ", Parameters.Keys)})");

    private static string Variable(string name) => Environment.GetEnvironmentVariable(name)
        ?? throw new InvalidOperationException($"{name} is not set: this program expects to be started by GridSearch " +
                                               "(gridsearch run --command ..., or a sweep file with 'program:')");
}

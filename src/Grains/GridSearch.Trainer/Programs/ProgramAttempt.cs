using System.Globalization;

namespace GridSearch.Trainer.Programs;

/// <summary>
/// Runs one attempt of a user's program to its end: reads its reports from standard output (everything else it prints
/// is its log), keeps the last lines of its standard error for the error message, enforces the time limits, and on
/// every way out ends the program's whole process group, so nothing it started outlives the attempt.
/// </summary>
public sealed class ProgramAttempt(ProgramLaunch launch, ProgramLimits limits, int startEpoch, int targetEpoch, string? objective = null)
{
    private readonly bool _isTest;

    private ProgramAttempt(ProgramLaunch launch, ProgramLimits limits, bool isTest)
        : this(launch, limits, startEpoch: 0, targetEpoch: 0) => _isTest = isTest;

    /// <summary>
    /// A test command's attempt: it reports its numbers once, without an epoch (a later report replaces an earlier
    /// one), and succeeds when it exits with 0 after reporting.
    /// </summary>
    public static ProgramAttempt ForTest(ProgramLaunch launch, ProgramLimits limits) => new(launch, limits, isTest: true);

    /// <summary>Error lines kept for the message of a failed attempt.</summary>
    public const int ErrorTailLines = 20;

    private const int ErrorTailLineLength = 500;

    private readonly Queue<string> _errorTail = new();
    private int _lastEpoch = startEpoch;
    private string? _contractBroken;
    private bool _reported;

    /// <summary>The last epoch reported (the start epoch before the first report).</summary>
    public int LastEpoch => _lastEpoch;

    /// <param name="report">
    /// Called for each valid report, in order, before the next line is read, with the program's processes paused.
    /// </param>
    /// <param name="log">
    /// Called with each line the program prints that is not a report (and with malformed reports, explained), from the
    /// standard output's and the standard error's readers at once: it must be thread-safe.
    /// </param>
    public async Task<ProgramOutcome> RunAsync(Action<ProgramReport> report, Action<string> log, CancellationToken stop)
    {
        using var timedOut = new CancellationTokenSource();
        using var silent = new CancellationTokenSource();
        using var broken = new CancellationTokenSource();
        using var anyEnd = CancellationTokenSource.CreateLinkedTokenSource(stop, timedOut.Token, silent.Token, broken.Token);
        if (limits.Timeout is { } timeout)
        {
            timedOut.CancelAfter(timeout);
        }

        if (limits.ReportTimeout is { } reportTimeout)
        {
            silent.CancelAfter(reportTimeout);
        }

        ProgramProcess process;
        try
        {
            process = ProgramProcess.Start(launch);
        }
        catch (Exception error) when (error is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new ProgramOutcome(ProgramEnd.Failed, null, $"could not start '{string.Join(' ', launch.Command)}': {error.Message}", []);
        }

        using (process)
        {
            var output = ReadOutputAsync(process, line =>
            {
                if (ProgramReport.Read(line, epochRequired: !_isTest) is not { } parsed)
                {
                    log(line);
                }
                else if (parsed.Report is null)
                {
                    log($"ignored a malformed report ({parsed.Problem}): {line}");
                }
                else if (Accept(parsed.Report) is { } problem)
                {
                    _contractBroken ??= problem;
                    broken.Cancel();
                }
                else
                {
                    if (limits.ReportTimeout is { } every)
                    {
                        silent.CancelAfter(every);
                    }

                    // The report says the epoch's checkpoint is in the run folder: the program is paused while the
                    // caller saves it, so the next epoch's writes cannot slip into this epoch's copy.
                    process.Pause();
                    try
                    {
                        report(parsed.Report);
                    }
                    finally
                    {
                        process.Continue();
                    }
                }
            });
            var errors = ReadErrorsAsync(process, log);

            try
            {
                await process.WaitForExitAsync(anyEnd.Token);
            }
            catch (OperationCanceledException)
            {
                // Stopped, timed out, silent or broken: end the group below, then say which.
            }

            // Whatever ended the attempt, nothing the program started may outlive it (a background child would also
            // keep the output pipes open).
            await process.StopGroupAsync(limits.StopGrace);
            await Task.WhenAll(output, errors);

            var tail = _errorTail.ToArray();
            if (_contractBroken is { } contract)
            {
                return new ProgramOutcome(ProgramEnd.Failed, null, contract, tail);
            }

            if (stop.IsCancellationRequested)
            {
                return new ProgramOutcome(ProgramEnd.Stopped, null, "stopped", tail);
            }

            if (timedOut.IsCancellationRequested)
            {
                return new ProgramOutcome(ProgramEnd.TimedOut, null,
                    $"the program ran longer than its timeout of {Describe(limits.Timeout!.Value)}; it was stopped", tail);
            }

            if (silent.IsCancellationRequested)
            {
                return new ProgramOutcome(ProgramEnd.ReportTimedOut, null,
                    $"no report for {Describe(limits.ReportTimeout!.Value)} (report_timeout) after epoch {_lastEpoch}; the program was stopped", tail);
            }

            int exit = process.ExitCode;
            if (exit != 0)
            {
                string status = exit > 128 ? $"was killed by signal {exit - 128}" : $"exited with status {exit}";
                return new ProgramOutcome(ProgramEnd.Failed, exit, $"the program {status}" + Tail(tail), tail);
            }

            if (_isTest)
            {
                return _reported
                    ? new ProgramOutcome(ProgramEnd.Exited, 0, "exited", tail)
                    : new ProgramOutcome(ProgramEnd.Failed, 0,
                        "the test command exited without a report: it must print its numbers as one line " +
                        "'GRIDSEARCH_REPORT {\"test_accuracy\": ...}' on standard output" + Tail(tail), tail);
            }

            return _lastEpoch < targetEpoch
                ? new ProgramOutcome(ProgramEnd.Failed, 0,
                    $"the program exited after reporting epoch {_lastEpoch} of {targetEpoch} (GRIDSEARCH_EPOCHS): it must report every epoch " +
                    "with a line 'GRIDSEARCH_REPORT {\"epoch\": N, ...}' on standard output" + Tail(tail), tail)
                : new ProgramOutcome(ProgramEnd.Exited, 0, "exited", tail);
        }
    }

    // Epochs are reported in order, one after the other, from where the run resumed: anything else means the program
    // did not resume from its run folder, or trained an epoch twice.
    private string? Accept(ProgramReport report)
    {
        if (_contractBroken is { } broken)
        {
            return broken;
        }

        if (_isTest)
        {
            _reported = true;
            return null;
        }

        if (report.Epoch <= _lastEpoch)
        {
            return $"the program reported epoch {report.Epoch} after epoch {_lastEpoch}: epochs must increase (a program resumes from " +
                   "the checkpoint in GRIDSEARCH_RUN_DIR and reports only the epochs it trains)";
        }

        if (report.Epoch != _lastEpoch + 1)
        {
            return $"the program reported epoch {report.Epoch} after epoch {_lastEpoch}: every epoch must be reported, one after the other";
        }

        if (report.Epoch > targetEpoch)
        {
            return $"the program reported epoch {report.Epoch}, beyond the {targetEpoch} it was asked for (GRIDSEARCH_EPOCHS)";
        }

        if (objective is not null && !report.Metrics.ContainsKey(objective))
        {
            return $"the report of epoch {report.Epoch} has no \"{objective}\", the metric the sweep optimises: report it every epoch";
        }

        _lastEpoch = report.Epoch;
        return null;
    }

    private static async Task ReadOutputAsync(ProgramProcess process, Action<string> line)
    {
        var reader = new BoundedLineReader(process.Output.BaseStream);
        while (await reader.ReadLineAsync(CancellationToken.None) is { } read)
        {
            line(read.Cut ? read.Line + $" [line cut at {reader.MaxLineLength:N0} characters]" : read.Line);
        }
    }

    private async Task ReadErrorsAsync(ProgramProcess process, Action<string> log)
    {
        var reader = new BoundedLineReader(process.Errors.BaseStream);
        while (await reader.ReadLineAsync(CancellationToken.None) is { } read)
        {
            log(read.Line);
            lock (_errorTail)
            {
                _errorTail.Enqueue(read.Line.Length > ErrorTailLineLength ? read.Line[..ErrorTailLineLength] + "…" : read.Line);
                if (_errorTail.Count > ErrorTailLines)
                {
                    _errorTail.Dequeue();
                }
            }
        }
    }

    private static string Tail(IReadOnlyList<string> tail) =>
        tail.Count == 0 ? "" : "; its last error output:\n" + string.Join('\n', tail.Select(l => "  " + l));

    private static string Describe(TimeSpan span) => span.TotalSeconds < 120
        ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###} s")
        : span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture);
}

using System.Collections.Concurrent;
using GridSearch.Abstractions;
using GridSearch.TestSupport;
using GridSearch.Trainer.Programs;

namespace GridSearch.Grains.Tests.Programs;

/// <summary>
/// One attempt of a user's program, with real processes (bash and python3): reports read in order, the contract's
/// failures (malformed, backwards, missing epochs), crashes with their error output, both time limits, and that no
/// process the program started outlives the attempt, however it ends.
/// </summary>
public sealed class ProgramAttemptTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("program-attempt");
    private readonly ConcurrentQueue<string> _log = new();
    private readonly List<ProgramReport> _reports = [];

    public void Dispose() => _dir.Dispose();

    private ProgramAttempt Bash(string script, int target = 3, int start = 0, ProgramLimits? limits = null) => new(
        new ProgramLaunch(["bash", "-c", script], _dir.Path, Inherited()), limits ?? new ProgramLimits(null, null), start, target);

    private static Dictionary<string, string> Inherited() =>
        System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");

    private Task<ProgramOutcome> RunAsync(ProgramAttempt attempt) =>
        attempt.RunAsync(_reports.Add, _log.Enqueue, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Reports_AreReadInOrder_AndEverythingElseIsTheProgramsLog()
    {
        var outcome = await RunAsync(Bash("""
            echo "loading data"
            for e in 1 2 3; do echo "GRIDSEARCH_REPORT {\"epoch\": $e, \"val_accuracy\": 0.$e, \"train_loss\": 1.5}"; done
            echo "done" >&2
            """));

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal([1, 2, 3], _reports.Select(r => r.Epoch));
        Assert.Equal(0.2, _reports[1].Metrics["val_accuracy"]);
        Assert.Equal(1.5, _reports[2].Metrics["train_loss"]);
        Assert.Contains("loading data", _log);
        Assert.Contains("done", _log);
    }

    [Fact]
    public async Task MalformedReport_IsLoggedWithTheLineAndIgnored()
    {
        var outcome = await RunAsync(Bash("""
            echo 'GRIDSEARCH_REPORT {"epoch": 1, "val_accuracy": 0.5'
            echo 'GRIDSEARCH_REPORT {"val_accuracy": 0.5}'
            echo 'GRIDSEARCH_REPORT {"epoch": 1, "val_accuracy": "high"}'
            echo 'GRIDSEARCH_REPORTED is a log line'
            echo 'GRIDSEARCH_REPORT {"epoch": 1, "val_accuracy": 0.5}'
            """, target: 1));

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal([1], _reports.Select(r => r.Epoch));
        Assert.Equal(3, _log.Count(l => l.StartsWith("ignored a malformed report", StringComparison.Ordinal)));
        Assert.Contains(_log, l => l.Contains("no \"epoch\"", StringComparison.Ordinal));
        Assert.Contains(_log, l => l.Contains("metric \"val_accuracy\" must be a number", StringComparison.Ordinal) && l.Contains("\"high\"", StringComparison.Ordinal));
        Assert.Contains("GRIDSEARCH_REPORTED is a log line", _log);
    }

    [Theory]
    [InlineData("1 2 2", "reported epoch 2 after epoch 2: epochs must increase")]
    [InlineData("1 3", "reported epoch 3 after epoch 1: every epoch must be reported")]
    [InlineData("1 2 3 4", "reported epoch 4, beyond the 3 it was asked for")]
    public async Task EpochsOutOfOrder_FailTheAttempt_AndLaterReportsAreNotTaken(string epochs, string message)
    {
        var outcome = await RunAsync(Bash($$"""
            for e in {{epochs}}; do echo "GRIDSEARCH_REPORT {\"epoch\": $e}"; done
            echo "GRIDSEARCH_REPORT {\"epoch\": 3}"
            """));

        Assert.Equal(ProgramEnd.Failed, outcome.End);
        Assert.Contains(message, outcome.Message, StringComparison.Ordinal);
        Assert.Equal(epochs.Split(' ').Select(int.Parse).TakeWhile((e, i) => e == i + 1 && e <= 3), _reports.Select(r => r.Epoch));
    }

    [Fact]
    public async Task ResumedAttempt_ContinuesFromItsStartEpoch()
    {
        var outcome = await RunAsync(Bash("""echo 'GRIDSEARCH_REPORT {"epoch": 3}'; echo 'GRIDSEARCH_REPORT {"epoch": 4}'""", target: 4, start: 2));

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal([3, 4], _reports.Select(r => r.Epoch));
    }

    [Fact]
    public async Task CrashingProgram_FailsWithItsStatusAndTheTailOfItsErrorOutput()
    {
        var outcome = await RunAsync(new ProgramAttempt(new ProgramLaunch(["python3", "-c", """
            import sys
            for i in range(50): print(f"warning {i}", file=sys.stderr)
            print('GRIDSEARCH_REPORT {"epoch": 1}', flush=True)
            raise ValueError("learning rate too large")
            """], _dir.Path, Inherited()), new ProgramLimits(null, null), 0, 3));

        Assert.Equal(ProgramEnd.Failed, outcome.End);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("exited with status 1", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("ValueError: learning rate too large", outcome.Message, StringComparison.Ordinal);
        Assert.Equal(ProgramAttempt.ErrorTailLines, outcome.ErrorTail.Count);
        Assert.DoesNotContain("warning 0", outcome.ErrorTail);
        Assert.Equal([1], _reports.Select(r => r.Epoch));
    }

    [Fact]
    public async Task ProgramThatStopsReportingEarly_FailsWithTheContract()
    {
        var outcome = await RunAsync(Bash("""echo 'GRIDSEARCH_REPORT {"epoch": 1}'"""));

        Assert.Equal(ProgramEnd.Failed, outcome.End);
        Assert.Contains("exited after reporting epoch 1 of 3", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HangingProgram_FailsAtItsReportTimeout_AndLeavesNoProcess()
    {
        string pids = _dir.Combine("pids");
        var attempt = Bash($$"""
            sleep 1000 & echo $! >> {{pids}}
            echo $$ >> {{pids}}
            echo 'GRIDSEARCH_REPORT {"epoch": 1}'
            sleep 1000
            """, limits: new ProgramLimits(null, TimeSpan.FromSeconds(1)) { StopGrace = TimeSpan.FromSeconds(2) });

        var outcome = await RunAsync(attempt);

        Assert.Equal(ProgramEnd.ReportTimedOut, outcome.End);
        Assert.Contains("no report for 1 s (report_timeout) after epoch 1", outcome.Message, StringComparison.Ordinal);
        AssertNoneAlive(File.ReadAllLines(pids));
    }

    [Fact]
    public async Task ProgramPastItsTimeout_IsStopped()
    {
        var outcome = await RunAsync(Bash("""
            for e in 1 2 3; do echo "GRIDSEARCH_REPORT {\"epoch\": $e}"; sleep 1000; done
            """, limits: new ProgramLimits(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1))));

        Assert.Equal(ProgramEnd.TimedOut, outcome.End);
        Assert.Contains("longer than its timeout of 1 s", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_EndsTheWholeProcessGroup_EvenAProgramThatIgnoresSigterm()
    {
        string pids = _dir.Combine("pids");
        using var stop = new CancellationTokenSource();
        var attempt = Bash($$"""
            trap '' TERM
            bash -c 'trap "" TERM; sleep 1000' & echo $! >> {{pids}}
            (sleep 1000; echo never) & echo $! >> {{pids}}
            echo $$ >> {{pids}}
            echo 'GRIDSEARCH_REPORT {"epoch": 1}'
            while true; do sleep 1; done
            """, limits: new ProgramLimits(null, null) { StopGrace = TimeSpan.FromMilliseconds(500) });

        var running = attempt.RunAsync(report => stop.Cancel(), _log.Enqueue, stop.Token);
        var outcome = await running.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.Equal(ProgramEnd.Stopped, outcome.End);
        var listed = File.ReadAllLines(pids);
        AssertNoneAlive(listed);
        Assert.Empty(ProgramProcess.GroupMembers(int.Parse(listed[^1], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task HugeOutput_IsReadWithBoundedLines()
    {
        // 100 MB: a single 20 MB line without a newline, then 80 MB of ordinary lines, then the report.
        long longest = 0, lines = 0;
        var attempt = new ProgramAttempt(new ProgramLaunch(["python3", "-c", """
            import sys
            out = sys.stdout
            out.write("x" * 20_000_000 + "\n")
            line = "y" * 99 + "\n"
            for _ in range(800_000): out.write(line)
            out.write('GRIDSEARCH_REPORT {"epoch": 1, "val_accuracy": 0.5}\n')
            """], _dir.Path, Inherited()), new ProgramLimits(null, null), 0, 1);

        var outcome = await attempt.RunAsync(_reports.Add, line =>
        {
            Interlocked.Increment(ref lines);
            long length = line.Length, seen;
            while ((seen = Interlocked.Read(ref longest)) < length && Interlocked.CompareExchange(ref longest, length, seen) != seen)
            {
            }
        }, TestContext.Current.CancellationToken);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal(800_001, lines);
        Assert.InRange(longest, BoundedLineReader.DefaultMaxLineLength, BoundedLineReader.DefaultMaxLineLength + 100);
        Assert.Equal(0.5, Assert.Single(_reports).Metrics["val_accuracy"]);
    }

    [Fact]
    public async Task PythonHelper_SpeaksTheContract()
    {
        // A program resumed at epoch 1 of 3: it reads its values and folder, and reports epochs 2 and 3 (one diverged).
        var values = new[] { new ParameterSetting("lr", ParameterValue.Of(0.5)), new ParameterSetting("act", ParameterValue.Of("relu")) };
        var launch = ProgramLaunches.For(new ProgramSpec
        {
            Command = ["python3", "-c", """
                import sys; sys.path.insert(0, sys.argv[1])
                import gridsearch_run as gs
                p = gs.params()
                print(f"training {gs.run_id()} with lr={p['lr']} act={p['act']} seed={gs.seed()} into {gs.run_dir()}")
                gs.report(2, val_accuracy=p["lr"], train_loss=1.25)
                gs.report(gs.epochs(), val_accuracy=0.75, train_loss=float("nan"))
                """, Path.Combine(RepositoryPaths.Root, "python")],
            WorkingDirectory = _dir.Path,
        }, values, new ProgramRunContext("run-a", 7, 3, _dir.Combine("run-a")), System.Environment.GetEnvironmentVariables());

        var outcome = await RunAsync(new ProgramAttempt(launch, new ProgramLimits(null, null), 1, 3));

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Contains($"training run-a with lr=0.5 act=relu seed=7 into {_dir.Combine("run-a")}", _log);
        Assert.Equal([2, 3], _reports.Select(r => r.Epoch));
        Assert.Equal(0.5, _reports[0].Metrics["val_accuracy"]);
        Assert.True(double.IsNaN(_reports[1].Metrics["train_loss"]));
    }

    [Fact]
    public async Task PythonHelper_ReportReturns_WhereverInItTheSavedWordArrives()
    {
        // The trainer's SIGCONT may land at any instruction of report(), also when a pause caught the program inside
        // it: here a SIGCONT lands at every line report() and what it calls run. A handler that took a lock the
        // interrupted code held would hang the program until its report timeout.
        var launch = ProgramLaunches.For(new ProgramSpec
        {
            Command = ["python3", "-c", """
                import os, signal, sys; sys.path.insert(0, sys.argv[1])
                import gridsearch_run as gs
                gs.ACK_TIMEOUT_SECONDS = 5
                def word_at_every_line(frame, event, arg):
                    if event == "line":
                        os.kill(os.getpid(), signal.SIGCONT)
                    return word_at_every_line
                for epoch in range(1, gs.epochs() + 1):
                    sys.settrace(word_at_every_line)
                    gs.report(epoch, val_accuracy=epoch / 10)
                    sys.settrace(None)
                """, Path.Combine(RepositoryPaths.Root, "python")],
            WorkingDirectory = _dir.Path,
        }, [], new ProgramRunContext("run-a", 7, 3, _dir.Combine("run-a")), System.Environment.GetEnvironmentVariables());

        var outcome = await RunAsync(new ProgramAttempt(launch, new ProgramLimits(null, TimeSpan.FromSeconds(30)), 0, 3));

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal([1, 2, 3], _reports.Select(r => r.Epoch));
        Assert.DoesNotContain(_log, line => line.Contains("no word", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MissingExecutable_FailsWithTheCommand()
    {
        var outcome = await RunAsync(new ProgramAttempt(new ProgramLaunch(["/nonexistent/train"], _dir.Path, Inherited()),
            new ProgramLimits(null, null), 0, 1));

        Assert.Equal(ProgramEnd.Failed, outcome.End);
        Assert.Contains("/nonexistent/train", outcome.Message, StringComparison.Ordinal);
    }

    // A process is gone when /proc has no entry for it, or only a zombie's (its exit is final; only reaping is left).
    private static void AssertNoneAlive(IEnumerable<string> pids)
    {
        foreach (string pid in pids.Select(p => p.Trim()).Where(p => p.Length > 0))
        {
            string stat = $"/proc/{pid}/stat";
            string? state = File.Exists(stat) ? File.ReadAllText(stat).Split(") ")[^1].Split(' ')[0] : null;
            Assert.True(state is null or "Z" or "X", $"process {pid} of the program is still alive (state {state})");
        }
    }
}

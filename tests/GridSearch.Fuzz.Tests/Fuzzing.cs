using System.Diagnostics;
using System.Text.RegularExpressions;
using CsCheck;

namespace GridSearch.Fuzz.Tests;

/// <summary>
/// How long each fuzz target runs and what every input must satisfy. CI runs each target for
/// <c>GRIDSEARCH_FUZZ_SECONDS</c> (default 5); <c>bench/fuzz.sh</c> runs them longer. Inputs are generated and shrunk by
/// CsCheck: on a failure it prints the smallest input it found and the seed that replays it
/// (<c>GRIDSEARCH_FUZZ_SEED</c>); such inputs join the corpus as regression cases.
/// </summary>
public static partial class Fuzzing
{
    public static int Seconds => int.TryParse(Environment.GetEnvironmentVariable("GRIDSEARCH_FUZZ_SECONDS"), out int s) && s > 0 ? s : 5;

    private static string? Seed => Environment.GetEnvironmentVariable("GRIDSEARCH_FUZZ_SEED") is { Length: > 0 } seed ? seed : null;

    /// <summary>Longest one input may take before it counts as a hang.</summary>
    public static readonly TimeSpan PerInput = TimeSpan.FromSeconds(10);

    /// <summary>Most memory one input may allocate before it counts as unbounded.</summary>
    public const long PerInputBytes = 512L << 20;

    /// <summary>Runs <paramref name="check"/> on generated inputs for the configured time, bounding each input's time and allocations.</summary>
    public static void Run<T>(string target, Gen<T> inputs, Action<T> check, Func<T, string>? print = null)
    {
        long executions = 0;
        inputs.Sample(input =>
        {
            Interlocked.Increment(ref executions);
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            check(input);
            Assert.True(clock.Elapsed < PerInput, $"one input took {clock.Elapsed.TotalSeconds:F1} s (a hang)");
            long used = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Assert.True(used < PerInputBytes, $"one input allocated {used:N0} bytes (unbounded memory)");
        }, writeLine: _ => { }, seed: Seed, iter: long.MaxValue, time: Seconds, threads: 2, print: print);
        Report(target, executions);
    }

    private static void Report(string target, long executions)
    {
        TestContext.Current.SendDiagnosticMessage($"fuzz {target}: {executions:N0} executions in {Seconds} s, no failure");
        if (Environment.GetEnvironmentVariable("GRIDSEARCH_FUZZ_REPORT") is { Length: > 0 } report)
        {
            lock (typeof(Fuzzing))
            {
                File.AppendAllText(report, $"{target}\t{executions}\t{Seconds}{Environment.NewLine}");
            }
        }
    }

    /// <summary>
    /// A message a user can act on: it says what (<paramref name="names"/>: the file or option) and never shows an
    /// exception type or a stack trace.
    /// </summary>
    public static void AssertExplained(Exception error, params string[] names)
    {
        string message = error.Message;
        Assert.False(string.IsNullOrWhiteSpace(message), "an empty message");
        Assert.True(names.Any(message.Contains), $"the message names none of {string.Join(", ", names)}: {message}");
        Assert.False(ExceptionName().IsMatch(message), $"the message shows an exception type: {message}");
        Assert.DoesNotContain("   at ", message);
    }

    [GeneratedRegex(@"\b[A-Z]\w*Exception\b")]
    private static partial Regex ExceptionName();
}

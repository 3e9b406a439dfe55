using System.Diagnostics;
using GridSearch.TestSupport;

namespace GridSearch.Bench;

/// <summary>
/// How soon a resumed sweep trains again: a seed-grid run on the real photos is killed with SIGKILL in the middle
/// of an epoch, then 'gridsearch resume' is timed from process start to its first newly trained epoch report
/// (an upper bound for its first trained batch).
/// </summary>
public static class ResumeBench
{
    public static BenchResult Run(string dataRoot, int repeats)
    {
        var times = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            using var dir = new TemporaryDirectory("bench-resume");
            var cli = new CliRun(dir.Combine("state"), Path.Combine(Path.GetTempPath(), "gridsearch-bench-warm-cache"));
            cli.Environment["GRIDSEARCH_HOLD_AT"] = "mid-epoch:3:30";
            cli.Environment["GRIDSEARCH_HOLD_FILE"] = dir.Combine("held");
            using (var run = cli.Start("run", "--data", dataRoot, "--sweep-id", "resumed", "--out", dir.Combine("out")))
            {
                run.BeginOutputReadLine();
                run.BeginErrorReadLine();
                Eventually.WaitAsync(() => File.Exists(dir.Combine("held")), TimeSpan.FromMinutes(5), "the run to reach epoch 3").GetAwaiter().GetResult();
                run.Kill();
                run.WaitForExit();
            }

            cli.Environment.Clear();
            var clock = Stopwatch.StartNew();
            // --verbose: a line per epoch also when the output is not a terminal, which is what is timed here.
            using var resume = cli.Start("resume", "resumed", "--out", dir.Combine("out"), "--verbose");
            var firstEpoch = new TaskCompletionSource<double>();
            resume.OutputDataReceived += (_, e) =>
            {
                if (e.Data?.Contains(" epoch ", StringComparison.Ordinal) == true)
                {
                    firstEpoch.TrySetResult(clock.Elapsed.TotalSeconds);
                }
            };
            resume.BeginOutputReadLine();
            resume.BeginErrorReadLine();
            times.Add(firstEpoch.Task.WaitAsync(TimeSpan.FromMinutes(2)).GetAwaiter().GetResult());
            resume.WaitForExit();
        }

        return new BenchResult("resume", BenchResult.MachineDescription(), DateTimeOffset.UtcNow,
        [
            new BenchRow("resume: process start to first newly trained epoch reported", BenchRun.Median(times), "s",
                $"median of {repeats}; goal: first trained batch within 5 s"),
        ]);
    }
}

namespace GridSearch.Grains.Diagnostics;

/// <summary>
/// Named points in the coordinator and the trainer where a crash test can stop the process ("sweep-started",
/// "cells-asked:N" (a learning searcher's cells stored, N in all, not yet dispatched), "mid-epoch:E:B",
/// "after-checkpoint:E", "run-finished", "testing"). Production code calls <see cref="Reach"/>;
/// what happens there is the test's choice: nothing (<see cref="HoldPoints.None"/>, every silo unless the environment
/// names a point) or a hold (<see cref="HoldPoints.FromEnvironment"/>).
/// </summary>
public interface IHoldPoints
{
    /// <summary>Whether any point holds (callers skip building point names otherwise).</summary>
    bool Enabled { get; }

    void Reach(string point);
}

/// <summary>The hold points a process has: none, or the one its environment names for a crash test.</summary>
public static class HoldPoints
{
    public static IHoldPoints None { get; } = new NoHoldPoints();

    /// <summary>
    /// GRIDSEARCH_HOLD_AT names the point; there the first thread writes GRIDSEARCH_HOLD_FILE (point and process id)
    /// and waits for ever, the test killing the process, or until the file GRIDSEARCH_HOLD_RELEASE appears. Without
    /// GRIDSEARCH_HOLD_AT, <see cref="None"/>.
    /// </summary>
    public static IHoldPoints FromEnvironment() => Environment.GetEnvironmentVariable("GRIDSEARCH_HOLD_AT") is { Length: > 0 } point
        ? new EnvironmentHoldPoint(point, Environment.GetEnvironmentVariable("GRIDSEARCH_HOLD_FILE"),
            Environment.GetEnvironmentVariable("GRIDSEARCH_HOLD_RELEASE"))
        : None;

    private sealed class NoHoldPoints : IHoldPoints
    {
        public bool Enabled => false;

        public void Reach(string point)
        {
        }
    }

    private sealed class EnvironmentHoldPoint(string point, string? file, string? release) : IHoldPoints
    {
        private int _reached;

        public bool Enabled => true;

        public void Reach(string reached)
        {
            if (!string.Equals(point, reached, StringComparison.Ordinal))
            {
                return;
            }

            if (!string.IsNullOrEmpty(release))
            {
                // Only the first thread holds; a released process runs on through later arrivals at the same point.
                if (Interlocked.Exchange(ref _reached, 1) == 1)
                {
                    return;
                }

                Announce(reached);
                while (!File.Exists(release))
                {
                    Thread.Sleep(20);
                }

                return;
            }

            Announce(reached);
            Thread.Sleep(Timeout.Infinite);
        }

        private void Announce(string reached)
        {
            if (file is not null)
            {
                File.WriteAllText(file, $"{reached}\n{Environment.ProcessId}\n");
            }
        }
    }
}

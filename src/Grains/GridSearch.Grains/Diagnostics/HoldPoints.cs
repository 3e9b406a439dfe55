namespace GridSearch.Grains.Diagnostics;

/// <summary>
/// Test instrumentation for crash tests. With GRIDSEARCH_HOLD_AT=&lt;point&gt; and GRIDSEARCH_HOLD_FILE=&lt;path&gt;
/// set, the first thread to reach that point writes the file and then blocks for good, so a test can kill the
/// process with SIGKILL at exactly that point; with GRIDSEARCH_HOLD_RELEASE=&lt;path&gt; set too, it blocks only until
/// that file exists, so a test can act on the process while it is provably at that point (a drain mid-epoch) and then
/// let it go on. Unset (always, outside tests), every call returns at once.
/// Points: <c>sweep-started</c>, <c>mid-epoch:E:B</c> (after batch B of epoch E of any run),
/// <c>after-checkpoint:E</c> (epoch E checkpointed, not yet reported), <c>run-finished</c>, <c>testing</c>.
/// </summary>
public static class HoldPoints
{
    private static readonly string? Point = Environment.GetEnvironmentVariable("GRIDSEARCH_HOLD_AT");
    private static readonly string? File = Environment.GetEnvironmentVariable("GRIDSEARCH_HOLD_FILE");
    private static readonly string? Release = Environment.GetEnvironmentVariable("GRIDSEARCH_HOLD_RELEASE");
    private static int _reached;

    public static bool Enabled => !string.IsNullOrEmpty(Point);

    public static void Reach(string point)
    {
        if (Point is null || !string.Equals(Point, point, StringComparison.Ordinal))
        {
            return;
        }

        if (!string.IsNullOrEmpty(Release))
        {
            // Only the first thread holds; a released process runs on through later arrivals at the same point.
            if (Interlocked.Exchange(ref _reached, 1) == 1)
            {
                return;
            }

            if (File is not null)
            {
                System.IO.File.WriteAllText(File, $"{point}\n{Environment.ProcessId}\n");
            }

            while (!System.IO.File.Exists(Release))
            {
                Thread.Sleep(20);
            }

            return;
        }

        if (File is not null)
        {
            System.IO.File.WriteAllText(File, $"{point}\n{Environment.ProcessId}\n");
        }

        Thread.Sleep(Timeout.Infinite);
    }
}

using GridSearch.Abstractions;

namespace GridSearch.Coordinator;

/// <summary>
/// How long a failed run (or winner test) waits before its next attempt: exponential from one second, capped at a
/// minute, with ±25 % jitter so that runs failing together (a trainer running out of memory, say) do not all come
/// back at once. The jitter is a hash of the run and attempt, not a random draw, so the book stays a pure function of
/// its inputs.
/// </summary>
public static class RetryBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Max = TimeSpan.FromMinutes(1);

    public static TimeSpan For(string runId, int failures)
    {
        double seconds = Math.Min(Max.TotalSeconds, First.TotalSeconds * Math.Pow(2, Math.Max(0, failures - 1)));
        double jitter = 0.75 + 0.5 * (Fnv1a($"{runId}#{failures}") % 10_000) / 10_000.0;
        return TimeSpan.FromSeconds(seconds * jitter);
    }

    private static uint Fnv1a(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return hash;
    }
}

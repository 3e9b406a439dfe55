using System.Diagnostics;

namespace GridSearch.Client;

/// <summary>Seconds since this process started, so reported totals include runtime start-up.</summary>
public static class ProcessClock
{
    public static double SecondsSinceStart()
    {
        using var process = Process.GetCurrentProcess();
        return (DateTime.Now - process.StartTime).TotalSeconds;
    }
}

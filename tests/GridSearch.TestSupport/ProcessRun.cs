using System.Diagnostics;

namespace GridSearch.TestSupport;

/// <summary>Runs a program to its end and returns its exit code with stdout and stderr together.</summary>
public static class ProcessRun
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, CancellationToken cancellation = default)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellation);
        var stderr = process.StandardError.ReadToEndAsync(cancellation);
        await process.WaitForExitAsync(cancellation);
        return (process.ExitCode, await stdout + await stderr);
    }
}

using System.Diagnostics;
using System.Text;

namespace GridSearch.TestSupport;

/// <summary>The outcome of one gridsearch process.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>Runs the built gridsearch tool as a real process with its own state and cache folders.</summary>
public sealed class CliRun(string stateDirectory, string cacheDirectory)
{
    public Dictionary<string, string> Environment { get; } = new();

    /// <summary>How the tool is started: the built assembly by default, or e.g. the repository's launcher script.</summary>
    public string[] Command { get; init; } = ["dotnet", RepositoryPaths.CliAssembly];

    public Process Start(params string[] args)
    {
        var start = new ProcessStartInfo(Command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in Command.Skip(1).Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["GRIDSEARCH_STATE_DIR"] = stateDirectory;
        start.Environment["GRIDSEARCH_CACHE_DIR"] = cacheDirectory;
        start.Environment["NO_COLOR"] = "1";
        foreach (var (key, value) in Environment)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("Could not start gridsearch.");
    }

    /// <summary>
    /// Starts the tool, waits until it reaches the hold point <paramref name="point"/> (the process waits there and
    /// writes <paramref name="holdFile"/>), and kills it with SIGKILL. Throws when the process ends before the point.
    /// The hold settings are cleared again, so the next command runs through.
    /// </summary>
    public async Task KillAtAsync(string point, string holdFile, params string[] args)
    {
        Environment["GRIDSEARCH_HOLD_AT"] = point;
        Environment["GRIDSEARCH_HOLD_FILE"] = holdFile;
        try
        {
            using var process = Start(args);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await Eventually.WaitAsync(() => File.Exists(holdFile) || process.HasExited, TimeSpan.FromMinutes(2), $"the run to reach {point}");
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the run ended (exit {process.ExitCode}) before reaching {point}");
            }

            process.Kill(); // SIGKILL
            await process.WaitForExitAsync();
        }
        finally
        {
            Environment.Remove("GRIDSEARCH_HOLD_AT");
            Environment.Remove("GRIDSEARCH_HOLD_FILE");
        }
    }

    public async Task<CliResult> RunAsync(params string[] args) => await RunAsync(TimeSpan.FromMinutes(3), args);

    public async Task<CliResult> RunAsync(TimeSpan timeout, params string[] args)
    {
        using var process = Start(args);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"gridsearch {string.Join(' ', args)} did not finish within {timeout}.\n{stdout}\n{stderr}");
        }

        process.WaitForExit(); // drains the redirected streams
        return new CliResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}

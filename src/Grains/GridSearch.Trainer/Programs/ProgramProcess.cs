using System.Diagnostics;
using System.Runtime.InteropServices;

namespace GridSearch.Trainer.Programs;

/// <summary>
/// A program started in a process group of its own (through <c>setsid</c>), so that stopping it stops everything it
/// started: the shell, its children and theirs. A watchdog in the group holds a pipe from this process: when this
/// process ends in any way, SIGKILL included, the pipe closes and the watchdog kills the group, so no program outlives
/// the trainer that started it. Linux only, like the trainers.
/// </summary>
public sealed partial class ProgramProcess : IDisposable
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const int SigContinue = 18;
    private const int SigStop = 19;

    // Runs as the group's first process: keeps the pipe from the trainer (standard input) on fd 3 for a background
    // watchdog, which kills the whole group (kill 0) when the pipe closes, then becomes the program itself (same pid,
    // so the program leads the group) with standard input from /dev/null and fd 3 closed. The watchdog's output goes
    // to /dev/null, so the program's output ends when the program's does.
    private const string WatchdogScript =
        "exec 3<&0 </dev/null; (cat <&3 >/dev/null 2>&1; kill -KILL 0) >/dev/null 2>&1 & exec 3<&- \"$@\"";

    private readonly Process _process;

    private ProgramProcess(Process process) => _process = process;

    /// <summary>The program's process id, which is also its process group's id.</summary>
    public int Id => _process.Id;

    public StreamReader Output => _process.StandardOutput;

    public StreamReader Errors => _process.StandardError;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the program; its environment is exactly <see cref="ProgramLaunch.Environment"/>.</summary>
    public static ProgramProcess Start(ProgramLaunch launch)
    {
        var start = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = launch.WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--");
        start.ArgumentList.Add("/bin/sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(WatchdogScript);
        start.ArgumentList.Add(launch.Command[0]);
        foreach (string argument in launch.Command)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var (name, value) in launch.Environment)
        {
            start.Environment[name] = value;
        }

        // Standard input stays open, unwritten, until Dispose: it is the watchdog's pipe. The program reads /dev/null.
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start '{launch.Command[0]}'");
        return new ProgramProcess(process);
    }

    public Task WaitForExitAsync(CancellationToken cancellation) => _process.WaitForExitAsync(cancellation);

    /// <summary>
    /// Whether any process of the group is still alive (the program itself, or anything it started). Zombies do not
    /// count: they have ended, and where no process reaps orphans (a silo running as a container's first process) they
    /// would stay in the group for ever.
    /// </summary>
    public bool GroupAlive => Kill(-Id, 0) == 0 && GroupMembers(Id).Any();

    /// <summary>The processes of a process group that have not ended, from /proc.</summary>
    public static IEnumerable<int> GroupMembers(int group)
    {
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out int pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue; // gone meanwhile
            }

            // "pid (name) state ppid pgrp ...": the name may hold spaces and parentheses, so read from the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 2 && fields[0] is not ("Z" or "X") && int.TryParse(fields[2], out int pgrp) && pgrp == group)
            {
                yield return pid;
            }
        }
    }

    /// <summary>
    /// Ends the whole group: SIGTERM, then SIGKILL to whatever is left after <paramref name="grace"/>. Returns once
    /// no process of the group is left.
    /// </summary>
    public async Task StopGroupAsync(TimeSpan grace)
    {
        if (!GroupAlive)
        {
            return;
        }

        _ = Kill(-Id, SigTerm);
        _ = Kill(-Id, SigContinue); // a group paused while its folder was saved must run to handle SIGTERM
        var deadline = DateTime.UtcNow + grace;
        while (GroupAlive && DateTime.UtcNow < deadline)
        {
            // Reaping the leader lets its group empty; the others are re-parented and reaped by the system.
            await Task.WhenAny(_process.WaitForExitAsync(), Task.Delay(TimeSpan.FromMilliseconds(20)));
        }

        while (GroupAlive)
        {
            _ = Kill(-Id, SigKill);
            await Task.WhenAny(_process.WaitForExitAsync(), Task.Delay(TimeSpan.FromMilliseconds(10)));
        }
    }

    /// <summary>Pauses every process of the group (SIGSTOP), so its files hold still while they are read.</summary>
    public void Pause() => _ = Kill(-Id, SigStop);

    /// <summary>Lets a paused group run on (SIGCONT).</summary>
    public void Continue() => _ = Kill(-Id, SigContinue);

    /// <summary>Closes the watchdog's pipe (the watchdog then ends what is left of the group) and lets the process go.</summary>
    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The group has ended already: nothing reads the pipe.
        }

        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

/// <summary>What to start: the command with its arguments, where, and with which environment (nothing else inherited).</summary>
public sealed record ProgramLaunch(IReadOnlyList<string> Command, string WorkingDirectory, IReadOnlyDictionary<string, string> Environment);

using System.Text.Json;
using GridSearch.Training.IO;

namespace GridSearch.Client.Hosting;

/// <summary>
/// The embedded state directory: grain state under <c>grains/</c>, the demo data set, and a lock held by the one
/// process that hosts the embedded silo. That process records its gateway port, so other gridsearch commands
/// (status, cancel, list) reach the live sweep through it instead of opening the files themselves.
/// </summary>
public sealed class StateDirectory : IDisposable
{
    private const string LockFile = ".lock";
    private const string GatewayFile = "gateway.json";
    private FileStream? _lock;

    private StateDirectory(string path) => Path = path;

    public string Path { get; }

    public string GrainsPath => System.IO.Path.Combine(Path, "grains");

    /// <summary>Where programs' run folders live while their runs train (the durable copy is in each run's checkpoint).</summary>
    public string RunFoldersPath => System.IO.Path.Combine(Path, "run-folders");

    /// <summary>Owner-only: whoever can read the directory can reach (and cancel) the sweeps in it.</summary>
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static StateDirectory Open(string path)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(path);
            }
            else
            {
                Directory.CreateDirectory(path, OwnerOnly);
                // A directory made by an older version, or by hand, may let others in: close it.
                if ((File.GetUnixFileMode(path) & ~OwnerOnly) != 0)
                {
                    File.SetUnixFileMode(path, File.GetUnixFileMode(path) & OwnerOnly);
                }
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"State directory '{path}' cannot be created or made owner-only ({error.Message}); " +
                                         "pass --state with a folder of your own.");
        }

        return new StateDirectory(path);
    }

    /// <summary>Takes the lock; false when another process holds it.</summary>
    public bool TryLock()
    {
        try
        {
            // FileShare.None is an exclusive advisory lock on Linux; it dies with the process, even on SIGKILL.
            _lock = new FileStream(System.IO.Path.Combine(Path, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Records where this process accepts connections and the secret they must present (owner-only file).</summary>
    public void PublishGateway(int gatewayPort, byte[] secret)
    {
        string path = System.IO.Path.Combine(Path, GatewayFile);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(new GatewayInfo(gatewayPort, Environment.ProcessId, Convert.ToBase64String(secret))));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    public GatewayInfo? ReadGateway()
    {
        try
        {
            return JsonSerializer.Deserialize<GatewayInfo>(File.ReadAllText(System.IO.Path.Combine(Path, GatewayFile)));
        }
        catch (Exception error) when (error is IOException or JsonException)
        {
            return null;
        }
    }

    private const string RunFolderStoreFile = "run-folder-store";

    /// <summary>
    /// The volume for copies of programs' run folders this state directory's trainer uses (<c>--run-folder-store</c>):
    /// the one given now, remembered for later processes, else the one remembered, else none (copies in checkpoints).
    /// </summary>
    public string? RunFolderStore(string? given)
    {
        string file = System.IO.Path.Combine(Path, RunFolderStoreFile);
        if (given is not null)
        {
            string full = System.IO.Path.GetFullPath(given);
            AtomicFile.WriteAllText(file, full);
            return full;
        }

        return File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } remembered ? remembered : null;
    }

    /// <summary>Bytes of durable state a sweep holds here: its record, winner, data set file list and checkpoints.</summary>
    public long BytesOf(string sweepId)
    {
        if (!Directory.Exists(GrainsPath))
        {
            return 0;
        }

        // State files are named by their escaped grain key: the sweep id itself, or "sweep/run" for a run's checkpoint.
        string own = Uri.EscapeDataString(sweepId) + ".state";
        string runs = Uri.EscapeDataString(sweepId + "/");
        return Directory.EnumerateFiles(GrainsPath, "*.state", SearchOption.AllDirectories)
            .Select(f => new FileInfo(f))
            .Where(f => f.Name == own || f.Name.StartsWith(runs, StringComparison.Ordinal))
            .Sum(f => f.Length);
    }

    public void Dispose()
    {
        if (_lock is not null)
        {
            File.Delete(System.IO.Path.Combine(Path, GatewayFile));
            _lock.Dispose();
            _lock = null;
        }
    }
}

/// <summary>Where the process that holds a state directory accepts client connections, and the secret they present.</summary>
public sealed record GatewayInfo(int Port, int ProcessId, string? Secret = null)
{
    public byte[] SecretBytes => Secret is null ? [] : Convert.FromBase64String(Secret);
}

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

    public static StateDirectory Open(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"State directory '{path}' cannot be created ({error.Message}); pass --state with a writable folder.");
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

    public void PublishGateway(int gatewayPort) =>
        AtomicFile.WriteAllText(System.IO.Path.Combine(Path, GatewayFile),
            JsonSerializer.Serialize(new GatewayInfo(gatewayPort, Environment.ProcessId)));

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

/// <summary>Where the process that holds a state directory accepts client connections.</summary>
public sealed record GatewayInfo(int Port, int ProcessId);

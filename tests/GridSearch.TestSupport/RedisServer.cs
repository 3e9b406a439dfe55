using System.Diagnostics;
using System.Net.Sockets;

namespace GridSearch.TestSupport;

/// <summary>
/// A real redis-server (Debian's package, installed by scripts/test.sh) on a free loopback port, with append-only
/// persistence in a folder of its own so it can be stopped and started again with its data.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly string _directory;
    private ChildProcess? _process;

    private readonly string? _password;

    public RedisServer(string directory, string? password = null)
    {
        _directory = directory;
        _password = password;
        Directory.CreateDirectory(directory);
        Port = FreePort.Next();
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public async Task StartAsync()
    {
        string binary = FindBinary();
        string[] auth = _password is null ? [] : ["--requirepass", _password];
        _process = ChildProcess.Start("redis", binary,
            ["--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _directory, "--appendonly", "yes", "--save", "", "--protected-mode", "yes", .. auth]);
        await Eventually.WaitAsync(() => Task.FromResult(CanConnect() || _process.HasExited), ok => ok, TimeSpan.FromSeconds(20),
            $"redis-server to listen on port {Port}");
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"redis-server exited at start:\n{_process.Output}");
        }
    }

    /// <summary>
    /// SIGKILL: Redis gets no chance to flush or rewrite anything. Acknowledged writes survive it, since Redis writes
    /// the append-only file before it answers (appendfsync everysec guards against an OS crash, not a process kill).
    /// </summary>
    public void Kill()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        _process.Kill();
        _process.Dispose();
        _process = null;
    }

    /// <summary>A clean shutdown (SIGTERM), which flushes the append-only file.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
        {
            await term!.WaitForExitAsync();
        }

        await _process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
        _process = null;
    }

    private bool CanConnect()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string FindBinary()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin").Append("/usr/sbin"))
        {
            string candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("redis-server is not installed; run ./scripts/test.sh, which installs it (apt-get install redis-server).");
    }

    public void Dispose() => _process?.Dispose();
}

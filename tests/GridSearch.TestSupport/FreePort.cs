using System.Net;
using System.Net.Sockets;

namespace GridSearch.TestSupport;

/// <summary>
/// Free TCP ports for test servers, taken below the system's ephemeral range: a port handed out there could be taken
/// as the source port of any outgoing connection (a silo's own Redis connections) before the server binds it. Each port
/// is handed out once per test process, and only after binding it on every interface succeeded.
/// </summary>
public static class FreePort
{
    private static readonly HashSet<int> HandedOut = [];
    private static readonly Random Pick = new();

    public static int Next()
    {
        int ephemeralLow = EphemeralLow();
        lock (HandedOut)
        {
            for (int attempt = 0; attempt < 1000; attempt++)
            {
                int port = Pick.Next(Math.Max(1024, ephemeralLow - 12_000), ephemeralLow);
                if (HandedOut.Add(port) && Bindable(port))
                {
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"no free TCP port below {ephemeralLow} after 1000 tries");
    }

    private static bool Bindable(int port)
    {
        try
        {
            using var any = new TcpListener(IPAddress.Any, port);
            any.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // /proc/sys/net/ipv4/ip_local_port_range: "32768	60999" on most Linux systems.
    private static int EphemeralLow()
    {
        try
        {
            string[] range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.TryParse(range[0], out int low) && low > 2048 ? low : 32768;
        }
        catch (IOException)
        {
            return 32768;
        }
    }
}

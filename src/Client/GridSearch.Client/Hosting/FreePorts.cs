using System.Net;
using System.Net.Sockets;

namespace GridSearch.Client.Hosting;

/// <summary>Free loopback ports, so several embedded silos can run side by side.</summary>
public static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

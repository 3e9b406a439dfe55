using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace GridSearch.Client.Hosting;

/// <summary>Parses <c>--cluster host:port[,host:port…]</c> into gateway endpoints.</summary>
public static class ClusterAddress
{
    public static IPEndPoint[] Parse(string text)
    {
        var endpoints = new List<IPEndPoint>();
        foreach (string item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int colon = item.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(item[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            {
                throw new UserInputException($"--cluster '{item}' is not HOST:PORT (the gateway port of a silo, 30000 by default).");
            }

            string host = item[..colon].Trim('[', ']');
            IPAddress[] addresses;
            try
            {
                addresses = IPAddress.TryParse(host, out var ip) ? [ip] : Dns.GetHostAddresses(host);
            }
            catch (SocketException error)
            {
                throw new UserInputException($"--cluster host '{host}' cannot be resolved ({error.Message}).");
            }

            var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
                ?? throw new UserInputException($"--cluster host '{host}' has no address.");
            endpoints.Add(new IPEndPoint(address, port));
        }

        return endpoints.Count > 0 ? endpoints.ToArray() : throw new UserInputException("--cluster is empty; give HOST:PORT of a gateway.");
    }
}

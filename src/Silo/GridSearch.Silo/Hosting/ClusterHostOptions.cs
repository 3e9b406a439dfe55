using System.Net;
using Microsoft.Extensions.Options;

namespace GridSearch.Silo.Hosting;

/// <summary>How this silo joins its cluster (configuration section <c>GridSearch:Cluster</c>).</summary>
public sealed class ClusterHostOptions
{
    public const string Section = "GridSearch:Cluster";

    /// <summary>Silos and clients with the same cluster id form one cluster.</summary>
    public string ClusterId { get; set; } = "gridsearch";

    /// <summary>Names the durable state; keep it across deployments so sweeps survive them.</summary>
    public string ServiceId { get; set; } = "gridsearch";

    /// <summary>StackExchange.Redis connection string for membership, grain state and reminders.</summary>
    public string Redis { get; set; } = "";

    /// <summary>Redis password, kept apart from the connection string so it can come from a secret.</summary>
    public string? RedisPassword { get; set; }

    /// <summary>Connect to Redis over TLS.</summary>
    public bool RedisTls { get; set; }

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>HTTP port for /metrics and the health endpoints (never the gateway port).</summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>The address other silos and clients use to reach this one (in Kubernetes: the pod IP).</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>How long a starting silo waits for Redis to answer before it gives up (Redis may start beside it).</summary>
    public TimeSpan RedisStartupWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>This silo's name (in Kubernetes: the pod name). Default: the host name.</summary>
    public string? SiloName { get; set; }
}

/// <summary>Reports every problem with <see cref="ClusterHostOptions"/> at once.</summary>
public sealed class ClusterHostOptionsValidator : IValidateOptions<ClusterHostOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterHostOptions options)
    {
        var problems = new List<string>();
        string section = ClusterHostOptions.Section;
        if (string.IsNullOrWhiteSpace(options.Redis))
        {
            problems.Add($"{section}:Redis is empty; set it (or GridSearch__Cluster__Redis) to the Redis address, e.g. redis:6379.");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId) || string.IsNullOrWhiteSpace(options.ServiceId))
        {
            problems.Add($"{section}:ClusterId and {section}:ServiceId must not be empty.");
        }

        foreach (var (port, key) in new[] { (options.SiloPort, "SiloPort"), (options.GatewayPort, "GatewayPort"), (options.HttpPort, "HttpPort") })
        {
            if (port is < 1 or > 65535)
            {
                problems.Add($"{section}:{key} is {port}; use a TCP port between 1 and 65535.");
            }
        }

        if (new[] { options.SiloPort, options.GatewayPort, options.HttpPort }.Distinct().Count() < 3)
        {
            problems.Add($"{section}:SiloPort, GatewayPort and HttpPort must differ (they are {options.SiloPort}, {options.GatewayPort}, {options.HttpPort}).");
        }

        if (options.AdvertisedAddress is { Length: > 0 } address && !IPAddress.TryParse(address, out _))
        {
            problems.Add($"{section}:AdvertisedAddress '{address}' is not an IP address.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

using GridSearch.Coordinator.Metrics;
using System.Net;
using System.Net.Sockets;
using GridSearch.Grains;
using GridSearch.Coordinator;
using GridSearch.Trainer.Execution;
using GridSearch.Hosting;
using GridSearch.Grains.Metrics;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace GridSearch.Silo.Hosting;

/// <summary>Wires a silo into a GridSearch cluster over Redis, from configuration.</summary>
public static class ClusterSiloExtensions
{
    public static ClusterHostOptions ReadClusterOptions(this IConfiguration configuration)
    {
        var options = configuration.GetSection(ClusterHostOptions.Section).Get<ClusterHostOptions>() ?? new ClusterHostOptions();
        Validate(new ClusterHostOptionsValidator().Validate(null, options));
        return options;
    }

    public static TimeSpan DrainTimeout(this IConfiguration configuration) =>
        (configuration.GetSection(TrainerSiloOptions.Section).Get<TrainerSiloOptions>() ?? new TrainerSiloOptions()).DrainTimeout;

    public static ISiloBuilder UseGridSearchCluster(this ISiloBuilder silo, IConfiguration configuration, ClusterHostOptions cluster)
    {
        var trainer = configuration.GetSection(TrainerSiloOptions.Section).Get<TrainerSiloOptions>() ?? new TrainerSiloOptions();
        Validate(TrainerSiloOptions.Section, typeof(TrainerSiloOptions), ClusterTrainerRules.Problems(trainer));

        var coordinator = configuration.GetSection(CoordinatorOptions.Section).Get<CoordinatorOptions>() ?? new CoordinatorOptions();
        var metrics = configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new MetricsOptions();
        var redis = RedisOptions(cluster);

        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = cluster.ClusterId;
            options.ServiceId = cluster.ServiceId;
        });
        silo.Configure<SiloOptions>(options => options.SiloName = cluster.SiloName ?? Dns.GetHostName());
        silo.ConfigureEndpoints(AdvertisedAddress(cluster), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
        silo.UseRedisClustering(options => options.ConfigurationOptions = redis.Clone());
        silo.AddRedisGrainStorage(GridSearchStorage.Name, builder => builder.Configure<Serializer>((options, serializer) =>
        {
            options.ConfigurationOptions = redis.Clone();
            // Binary, not the JSON default: weights are float arrays and JSON would double their size.
            options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            // Deleting a sweep removes its keys, rather than leaving them behind holding empty state.
            options.DeleteStateOnClear = true;
        }));
        silo.UseRedisReminderService(options => options.ConfigurationOptions = redis.Clone());
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection("GridSearch:Membership"));
        silo.Services.Configure<ReminderOptions>(configuration.GetSection("GridSearch:Reminders"));
        silo.AddGridSearch(trainer, coordinator, metrics);
        var tls = configuration.GetSection(TlsSettings.Section).Get<TlsSettings>() ?? new TlsSettings();
        if (tls.Enabled)
        {
            silo.UseGridSearchTls(tls);
        }

        return silo;
    }

    public static ConfigurationOptions RedisOptions(ClusterHostOptions cluster)
    {
        var options = ConfigurationOptions.Parse(cluster.Redis);
        if (!string.IsNullOrEmpty(cluster.RedisPassword))
        {
            options.Password = cluster.RedisPassword;
        }

        options.Ssl |= cluster.RedisTls;
        options.AbortOnConnectFail = false; // keep retrying while Redis starts or restarts
        return options;
    }

    private static IPAddress AdvertisedAddress(ClusterHostOptions cluster)
    {
        if (!string.IsNullOrEmpty(cluster.AdvertisedAddress))
        {
            return IPAddress.Parse(cluster.AdvertisedAddress);
        }

        var addresses = Dns.GetHostAddresses(Dns.GetHostName());
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
               ?? IPAddress.Loopback;
    }

    private static void Validate(string section, Type type, IReadOnlyList<string> problems)
    {
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(section, type, problems);
        }
    }

    private static void Validate(ValidateOptionsResult result)
    {
        if (result.Failed)
        {
            throw new OptionsValidationException(ClusterHostOptions.Section, typeof(ClusterHostOptions), result.Failures);
        }
    }
}

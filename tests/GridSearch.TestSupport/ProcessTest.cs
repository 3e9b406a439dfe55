namespace GridSearch.TestSupport;

/// <summary>
/// A test that starts real processes (Redis, silos) in a temporary folder: what it owns is disposed in reverse order
/// of starting, then the folder is removed.
/// </summary>
public abstract class ProcessTest(string name) : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    protected TemporaryDirectory Dir { get; } = new(name);

    protected T Own<T>(T item) where T : IDisposable
    {
        _owned.Add(item);
        return item;
    }

    /// <summary>A Redis server of this test, started.</summary>
    protected async Task<RedisServer> RedisAsync(string folder = "redis", string? password = null)
    {
        var redis = Own(new RedisServer(Dir.Combine(folder), password));
        await redis.StartAsync();
        return redis;
    }

    /// <summary>A one-slot CPU silo's settings in cluster <paramref name="clusterId"/> over <paramref name="redis"/>, with fast failure detection.</summary>
    protected Dictionary<string, string> ClusterEnvironment(RedisServer redis, string clusterId)
    {
        var env = SiloProcess.TestTimings();
        env["GridSearch__Cluster__Redis"] = redis.ConnectionString;
        env["GridSearch__Cluster__ClusterId"] = env["GridSearch__Cluster__ServiceId"] = clusterId;
        env["GridSearch__Trainer__Device"] = "cpu";
        env["GridSearch__Trainer__Slots"] = "1";
        env["GridSearch__Trainer__CacheDirectory"] = Dir.Combine("silo-cache");
        return env;
    }

    public void Dispose()
    {
        foreach (var item in _owned.AsEnumerable().Reverse())
        {
            item.Dispose();
        }

        Dir.Dispose();
        GC.SuppressFinalize(this);
    }
}

using Orleans.Concurrency;

namespace GridSearch.Abstractions;

/// <summary>The cluster's list of sweeps (key 0), so <c>gridsearch list</c> and restarts can find them.</summary>
[Alias("gridsearch.ISweepRegistryGrain")]
public interface ISweepRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Records a sweep id; false when it was already known.</summary>
    [Alias("Register"), SiloOnly]
    Task<bool> RegisterAsync(string sweepId);

    /// <summary>Forgets a deleted sweep; false when it was not known.</summary>
    [Alias("Unregister"), SiloOnly]
    Task<bool> UnregisterAsync(string sweepId);

    /// <summary>Every known sweep id, oldest first.</summary>
    [Alias("List"), AlwaysInterleave]
    Task<string[]> ListAsync();
}

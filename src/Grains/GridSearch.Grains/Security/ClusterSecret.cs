using System.Security.Cryptography;
using Orleans.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace GridSearch.Grains.Security;

/// <summary>The cluster's internal-call secret as stored (once, by whichever silo needs it first).</summary>
[GenerateSerializer, Alias("gridsearch.ClusterSecretState")]
public sealed class ClusterSecretState
{
    [Id(0)] public string? Value { get; set; }
}

/// <summary>
/// A secret that every silo of the cluster knows and no client does: it lives in the cluster's grain storage (Redis,
/// or the owner-only state directory in embedded mode), which silos reach and clients never do. Silos stamp it on
/// their calls; calls reserved for silos must carry it. A client can forge any caller id, but not this.
/// </summary>
public sealed class ClusterSecret([FromKeyedServices(GridSearchStorage.Name)] IGrainStorage storage)
{
    private static readonly GrainId StateId = GrainId.Create("gridsearch-cluster", "internal-call-secret");
    private const string StateName = "secret";
    private readonly Lock _lock = new();
    private Task<string>? _value;

    /// <summary>The secret, read (or created) on first use; a failed read is tried again on the next call.</summary>
    public Task<string> GetAsync()
    {
        lock (_lock)
        {
            if (_value is null || _value.IsFaulted || _value.IsCanceled)
            {
                _value = LoadAsync();
            }

            return _value;
        }
    }

    private async Task<string> LoadAsync()
    {
        for (int attempt = 0; ; attempt++)
        {
            var state = new GrainState<ClusterSecretState>(new ClusterSecretState());
            await storage.ReadStateAsync(StateName, StateId, state);
            if (state.State?.Value is { Length: > 0 } existing)
            {
                return existing;
            }

            state.State = new ClusterSecretState { Value = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) };
            try
            {
                await storage.WriteStateAsync(StateName, StateId, state);
                return state.State.Value;
            }
            catch (InconsistentStateException) when (attempt < 3)
            {
                // Another silo created it at the same moment: read theirs.
            }
        }
    }

    /// <summary>Whether a presented value is the secret, compared in constant time.</summary>
    public async Task<bool> MatchesAsync(string? presented)
    {
        string secret = await GetAsync();
        return presented is not null && CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(presented), System.Text.Encoding.ASCII.GetBytes(secret));
    }
}

using GridSearch.Abstractions;
using GridSearch.Client.Hosting;

namespace GridSearch.Client.Commands;

/// <summary>Finds a sweep or explains that it does not exist.</summary>
public static class SweepLookup
{
    public static async Task<SweepSnapshot> SnapshotAsync(ISweepConnection connection, string sweepId, string? state)
    {
        if (!SweepSpecRules.IsValidSweepId(sweepId))
        {
            throw new UserInputException(SweepSpecRules.SweepIdProblem(sweepId) + ".");
        }

        return await connection.Grains.GetGrain<ISweepCoordinatorGrain>(sweepId).GetSnapshotAsync()
               ?? throw new UserInputException($"No sweep '{sweepId}' ({connection.Description}); 'gridsearch list' shows the sweeps there.");
    }
}

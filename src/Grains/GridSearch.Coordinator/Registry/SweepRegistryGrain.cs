using GridSearch.Grains;
using GridSearch.Abstractions;

namespace GridSearch.Coordinator.Registry;

/// <summary>Durable list of sweep ids.</summary>
[GenerateSerializer, Alias("gridsearch.SweepRegistryState")]
public sealed class SweepRegistryState
{
    [Id(0)] public List<string> SweepIds { get; set; } = [];
}

/// <inheritdoc cref="ISweepRegistryGrain"/>
[GridSearch.Grains.Placement.PreferNonTrainer]
public sealed class SweepRegistryGrain(
    [PersistentState("registry", GridSearchStorage.Name)] IPersistentState<SweepRegistryState> state) : Grain, ISweepRegistryGrain
{
    public async Task<bool> RegisterAsync(string sweepId)
    {
        if (state.State.SweepIds.Contains(sweepId))
        {
            return false;
        }

        state.State.SweepIds.Add(sweepId);
        await state.WriteStateAsync();
        return true;
    }

    public async Task<bool> UnregisterAsync(string sweepId)
    {
        if (!state.State.SweepIds.Remove(sweepId))
        {
            return false;
        }

        await state.WriteStateAsync();
        return true;
    }

    public Task<string[]> ListAsync() => Task.FromResult(state.State.SweepIds.ToArray());
}

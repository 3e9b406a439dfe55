using GridSearch.Abstractions;
using GridSearch.Trainer.Execution;
using Orleans.Runtime.Placement;

namespace GridSearch.Trainer.Grains;

/// <summary>A grain that hands work to this trainer silo's slots: a run's, or a fused group's.</summary>
public abstract class SlotWorkGrain(RunExecutor executor, ILocalSiloDetails silo) : Grain
{
    /// <summary>This silo's trainer slots.</summary>
    protected RunExecutor Executor { get; } = executor;

    /// <summary>Where this grain's work runs: the silo's name for people, its address for slot accounting.</summary>
    protected TrainerLocation Location => new(silo.Name, silo.SiloAddress.ToParsableString());

    /// <summary>
    /// Refuses new work while the silo drains. Callers' directory caches keep sending the grain's work here meanwhile,
    /// so the grain moves: to the trainer the request's placement hint names, or, when the hint names this silo,
    /// wherever placement (which leaves a draining trainer out) puts it.
    /// </summary>
    /// <exception cref="SiloDrainingException">The silo is shutting down.</exception>
    protected void ThrowIfDraining()
    {
        if (!Executor.Draining)
        {
            return;
        }

        if (RequestContext.Get(IPlacementDirector.PlacementHintKey) is SiloAddress hint && hint.Equals(silo.SiloAddress))
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        MigrateOnIdle();
        throw new SiloDrainingException { Silo = silo.SiloAddress.ToParsableString() };
    }
}

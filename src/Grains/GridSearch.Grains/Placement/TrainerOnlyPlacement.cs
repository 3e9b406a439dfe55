using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace GridSearch.Grains.Placement;

/// <summary>
/// Places a grain only on silos whose metadata marks them as trainers. Orleans' built-in metadata filters compare
/// candidates with the calling silo, so they cannot say "a GPU silo, whoever calls"; this filter can.
/// With no trainer silo the placement fails with a <see cref="NoTrainerException"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class TrainerOnlyAttribute() : PlacementFilterAttribute(new TrainerOnlyPlacementFilter());

/// <summary>The strategy half of <see cref="TrainerOnlyAttribute"/>; it carries no settings.</summary>
public sealed class TrainerOnlyPlacementFilter() : PlacementFilterStrategy(order: 0);

/// <summary>
/// Prefers silos that do not train (gateways) for bookkeeping grains such as coordinators: GPU nodes are the ones
/// most often pre-empted, and bookkeeping should not compete with training. Falls back to any silo.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class PreferNonTrainerAttribute() : PlacementFilterAttribute(new PreferNonTrainerPlacementFilter());

/// <summary>The strategy half of <see cref="PreferNonTrainerAttribute"/>.</summary>
public sealed class PreferNonTrainerPlacementFilter() : PlacementFilterStrategy(order: 0);

/// <summary>Keeps the non-trainer candidates when there are any.</summary>
public sealed class PreferNonTrainerPlacementDirector(ISiloMetadataCache metadata) : IPlacementFilterDirector
{
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target,
        IEnumerable<SiloAddress> silos)
    {
        var candidates = silos.ToList();
        var gateways = candidates.Where(silo => !TrainerMetadata.IsTrainer(metadata.GetSiloMetadata(silo))).ToList();
        return gateways.Count > 0 ? gateways : candidates;
    }
}

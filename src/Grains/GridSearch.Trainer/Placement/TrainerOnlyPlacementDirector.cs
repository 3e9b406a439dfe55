using Orleans.Runtime;
using Orleans.Placement;
using GridSearch.Abstractions;
using GridSearch.Grains.Placement;
using GridSearch.Trainer.Execution;
using Orleans.Runtime.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace GridSearch.Trainer.Placement;

/// <summary>
/// Keeps the candidate silos marked as trainers. A trainer that is shutting down leaves itself out while another
/// trainer can take the grain (its own migrations and placements, e.g. of a run it refuses, go elsewhere).
/// </summary>
public sealed class TrainerOnlyPlacementDirector(ISiloMetadataCache metadata, ILocalSiloDetails local, RunExecutor executor)
    : IPlacementFilterDirector
{
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target,
        IEnumerable<SiloAddress> silos)
    {
        var trainers = silos.Where(silo => TrainerMetadata.IsTrainer(metadata.GetSiloMetadata(silo))).ToList();
        if (trainers.Count == 0)
        {
            throw new NoTrainerException();
        }

        if (executor.Draining && trainers.Count > 1)
        {
            trainers.Remove(local.SiloAddress);
        }

        return trainers;
    }
}

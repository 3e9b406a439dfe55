using GridSearch.Trainer.Execution;
using GridSearch.Grains.Placement;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace GridSearch.Silo.Health;

/// <summary>
/// Ready when this silo is an active member of the cluster and, on trainers, the training device has been opened.
/// The answer also tells how many silos, trainers and trainer slots this silo sees. Liveness is separate and checks
/// only that the process answers.
/// </summary>
public sealed class SiloReadinessCheck(
    IClusterMembershipService membership,
    ISiloMetadataCache metadata,
    ILocalSiloDetails silo,
    IOptions<TrainerSiloOptions> trainer,
    SiloDatasets datasets) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var active = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).ToList();
        var trainers = TrainerMetadata.ActiveTrainers(membership, metadata);
        var data = new Dictionary<string, object>
        {
            ["silo"] = silo.Name,
            ["activeSilos"] = active.Count,
            ["trainers"] = trainers.Count,
            ["trainerSlots"] = trainers.Sum(t => t.Slots),
            // Active silos whose metadata this silo could not fetch: invisible to its placement and dispatch.
            ["silosWithoutMetadata"] = active.Count(m => !TrainerMetadata.IsKnown(metadata.GetSiloMetadata(m.SiloAddress))),
        };
        var self = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        if (self != SiloStatus.Active)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"silo {silo.Name} is {self}, not yet an active cluster member", data: data));
        }

        if (trainer.Value.Enabled)
        {
            try
            {
                data["device"] = datasets.Device.type.ToString(); // opens TorchSharp and the device once
            }
            catch (Exception error)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy($"trainer device '{trainer.Value.Device}' is not usable: {error.Message}", data: data));
            }
        }

        return Task.FromResult(HealthCheckResult.Healthy(trainer.Value.Enabled
            ? $"active trainer with {trainer.Value.EffectiveSlots} slot(s)"
            : "active (no trainer slots)", data));
    }
}

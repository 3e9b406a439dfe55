using GridSearch.Grains.Placement;
using GridSearch.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using GridSearch.Trainer.Execution;

namespace GridSearch.Trainer.Placement;

/// <summary>
/// Holds a trainer silo's start until the silo counts as an active trainer in its own placement view. Orleans fetches
/// every silo's metadata, its own included, in the background after the silo joins; until that fetch lands, the
/// trainer placement sees no trainer here, so a sweep started right after an embedded silo comes up was refused with
/// "no trainer silo is active". Waiting for it makes "started" mean "can take cells".
/// </summary>
internal sealed partial class TrainerVisibility(
    IClusterMembershipService membership,
    ISiloMetadataCache metadata,
    ILocalSiloDetails silo,
    IOptions<TrainerSiloOptions> trainer,
    TimeProvider time,
    ILogger<TrainerVisibility> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>How long a start waits before it goes on anyway (placement then catches up on its own).</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(TrainerVisibility), ServiceLifecycleStage.Active, WaitUntilVisibleAsync);

    public bool IsVisible =>
        TrainerMetadata.ActiveTrainers(membership, metadata).Any(active => active.Silo.Equals(silo.SiloAddress));

    private async Task WaitUntilVisibleAsync(CancellationToken cancellation)
    {
        if (!trainer.Value.Enabled)
        {
            return;
        }

        // The metadata cache has no change notification: check its answer until it names this silo.
        var deadline = time.GetUtcNow() + Limit;
        while (!IsVisible)
        {
            if (time.GetUtcNow() >= deadline)
            {
                LogNotVisible(logger, silo.Name, Limit);
                return;
            }

            await Task.Delay(Poll, time, cancellation);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Silo {Silo} does not yet count as a trainer in its own placement view after {Limit}; it starts anyway and takes cells once it does.")]
    private static partial void LogNotVisible(ILogger logger, string silo, TimeSpan limit);
}

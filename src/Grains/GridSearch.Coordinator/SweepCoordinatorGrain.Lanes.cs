using GridSearch.Abstractions;


namespace GridSearch.Coordinator;

// Reaching a run on its trainer, whether it trains alone (its own grain) or in a fused group (the group's grain).
public sealed partial class SweepCoordinatorGrain
{
    /// <summary>Stops a run on its trainer: a run in a fused group leaves the group, which goes on with the others.</summary>
    private Task CancelOnTrainerAsync(RunRecord run) => run.Group is { } group
        ? grains.GetGrain<IFusedGroupGrain>(TrainerGrainKeys.FusedGroup(SweepId, group)).CancelRunAsync(run.Id)
        : grains.GetGrain<IRunGrain>(TrainerGrainKeys.Run(SweepId, run.Id)).CancelAsync();

    /// <summary>Whether the run's trainer still has its latest attempt queued or running.</summary>
    private Task<bool> IsRunningOnTrainerAsync(RunRecord run) => run.Group is { } group
        ? grains.GetGrain<IFusedGroupGrain>(TrainerGrainKeys.FusedGroup(SweepId, group)).IsRunningAsync(run.Id, run.Attempts)
        : grains.GetGrain<IRunGrain>(TrainerGrainKeys.Run(SweepId, run.Id)).IsRunningAsync(run.Attempts);
}

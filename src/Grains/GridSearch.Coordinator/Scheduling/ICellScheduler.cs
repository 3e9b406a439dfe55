using GridSearch.Abstractions;

namespace GridSearch.Coordinator.Scheduling;

/// <summary>
/// Decides, as epochs are reported, whether each cell trains on (Ray Tune's <c>TrialScheduler.on_trial_result</c>).
/// Schedulers read the sweep's state and change nothing themselves: the <see cref="SweepBook"/> applies what they
/// answer, and the state it persists is what a resumed sweep goes on from. A new scheduler is one class implementing
/// this, registered in <see cref="CellSchedulers"/> under a name from <see cref="SchedulerNames"/>.
/// </summary>
public interface ICellScheduler
{
    /// <summary>A cell recorded an epoch and has epochs left: true to train on, false to stop it here.</summary>
    bool Continue(SweepState sweep, CellRecord cell, EpochMetrics metrics);

    /// <summary>
    /// The epoch at which the cell must wait until the scheduler has decided on other cells too (a synchronous rung),
    /// or null to train straight on.
    /// </summary>
    int? HoldAt(SweepState sweep, CellRecord cell) => null;

    /// <summary>Decisions that waited for other cells, made once they can be: the cells to stop now.</summary>
    IReadOnlyList<CellRecord> Settle(SweepState sweep) => [];
}

using GridSearch.Abstractions;

namespace GridSearch.Coordinator.Scheduling;

/// <summary>
/// Decides, as epochs are reported, whether each cell trains on (Ray Tune's <c>TrialScheduler.on_trial_result</c>).
/// Schedulers read a view of the sweep and return decisions as values: the <see cref="SweepBook"/> records them, and
/// the state it persists is what a resumed sweep goes on from. A new scheduler is one class implementing
/// this, registered in <see cref="CellSchedulers"/> under a name from <see cref="SchedulerNames"/>.
/// </summary>
public interface ICellScheduler
{
    /// <summary>A cell recorded an epoch and has epochs left: true to train on, false to stop it here.</summary>
    bool Continue(ISweepView sweep, ICellView cell, EpochMetrics metrics);

    /// <summary>
    /// The epoch at which the cell must wait until the scheduler has decided on other cells too (a synchronous rung),
    /// or null to train straight on.
    /// </summary>
    int? HoldAt(ISweepView sweep, ICellView cell) => null;

    /// <summary>Decisions that waited for other cells, made once they can be: the cells to stop now and the rungs decided.</summary>
    RungDecisions Settle(ISweepView sweep) => RungDecisions.None;
}

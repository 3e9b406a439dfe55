using GridSearch.Abstractions;
using GridSearch.Coordinator;
using GridSearch.Coordinator.Scheduling;

namespace GridSearch.Grains.Tests;

/// <summary>Schedulers read a view of the sweep and answer with values; only the book changes the sweep.</summary>
public sealed class SchedulerDecisionTests
{
    private static readonly DatasetSummary Dataset = new("/data", ["a", "b"], 100, 80, 10, 10, [], 0.1, false);

    [Fact]
    public void HalvingSettle_ReturnsTheStopsAndTheRungDecided_WithoutChangingTheSweep_TheBookRecordsThem()
    {
        // Nine cells of nine epochs, η = 3: rung 1 ranks all nine and keeps the best three (the highest rates).
        var state = SweepCreation.Create(new SweepSpec
        {
            LearningRates = Enumerable.Range(1, 9).Select(i => i / 100.0).ToArray(), BatchSizes = [8], Epochs = [9], DataRoot = "/data",
            Scheduler = new SchedulerSpec { Name = SchedulerNames.Halving, ReductionFactor = 3 },
        }, Dataset, DateTimeOffset.UnixEpoch);
        foreach (var cell in state.Cells)
        {
            cell.Epochs.Add(new EpochMetrics(1, 0.5, cell.Parameters.LearningRate, 0.1, 1));
        }

        var scheduler = new HalvingScheduler();
        var first = scheduler.Settle(state);
        var second = scheduler.Settle(state);

        Assert.Equal([0, 1, 2, 3, 4, 5], first.Stop.Order());
        Assert.Equal([1], first.DecidedRungs);
        Assert.Equal(first.Stop, second.Stop); // nothing was recorded in between: the same question, the same answer
        Assert.Empty(state.DecidedRungs);
        Assert.All(state.Cells, c => Assert.Equal(CellStatus.Pending, c.Status));

        new SweepBook(state).ApplyScheduler();

        Assert.Equal([1], state.DecidedRungs);
        Assert.Equal(6, state.Cells.Count(c => c.Status == CellStatus.Stopped));
        Assert.Equal(RungDecisions.None.Stop, scheduler.Settle(state).Stop); // decided rungs are not decided again
    }
}

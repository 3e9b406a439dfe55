using GridSearch.Coordinator.Metrics;
using GridSearch.Abstractions;
using GridSearch.Coordinator;
using GridSearch.Grains.Metrics;
using Microsoft.Extensions.Options;

namespace GridSearch.Grains.Tests;

/// <summary>
/// A finished sweep's series stay exported for GridSearch:Metrics:FinishedSweepRetention and then go, so label
/// cardinality stays bounded; unfinished sweeps stay however old they are.
/// </summary>
public sealed class SweepMetricsRetentionTests
{
    private static readonly DatasetSummary Dataset = new("/data", ["a", "b"], 100, 80, 10, 10, [], 0.1, false);
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = Start;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static SweepSnapshot Sweep(string id, DateTimeOffset? finished)
    {
        var book = new SweepBook(SweepCreation.Create(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [1], DataRoot = "/data" }, Dataset, Start));
        if (finished is { } at)
        {
            book.Cancel(at, "cancelled");
        }

        return book.Snapshot(id, 1);
    }

    [Fact]
    public void FinishedSweep_StaysForTheRetention_ThenGoes_WhileARunningOneStays()
    {
        var clock = new ManualClock();
        var registry = new SweepMetricsRegistry(Options.Create(new MetricsOptions { FinishedSweepRetention = TimeSpan.FromMinutes(10) }), clock);
        registry.Publish(Sweep("running", finished: null));
        registry.Publish(Sweep("finished", finished: Start));

        clock.Now = Start.AddMinutes(10); // exactly the retention: still exported
        Assert.Equal(["finished", "running"], registry.Current().Select(s => s.SweepId).Order());

        clock.Now = Start.AddMinutes(10).AddSeconds(1);
        Assert.Equal(["running"], registry.Current().Select(s => s.SweepId));

        clock.Now = Start.AddDays(30);
        Assert.Equal(["running"], registry.Current().Select(s => s.SweepId));
        registry.Publish(Sweep("finished", finished: clock.Now)); // the same id finishing again is exported again
        Assert.Equal(["finished", "running"], registry.Current().Select(s => s.SweepId).Order());
    }

    [Fact]
    public void DefaultRetention_IsHalfAnHour()
    {
        Assert.Equal(TimeSpan.FromMinutes(30), new MetricsOptions().FinishedSweepRetention);
    }
}

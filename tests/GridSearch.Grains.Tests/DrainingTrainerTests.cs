using GridSearch.Abstractions;
using GridSearch.Trainer.Execution;
using GridSearch.TestSupport;
using GridSearch.Grains.Placement;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace GridSearch.Grains.Tests;

/// <summary>Two trainers, of which one ("Silo_2") is shutting down: its slots are drained before any sweep starts.</summary>
public sealed class DrainingTrainerClusterFixture : ClusterFixture
{
    public const string DrainingSilo = "Silo_2";

    protected override bool IsTrainer(string siloName) => siloName is TrainerSilo or DrainingSilo;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        // The coordinators' first dispatch round must see both trainers, so the draining one is offered its share.
        foreach (var silo in Cluster.Silos)
        {
            var services = Cluster.GetSiloServiceProvider(silo.SiloAddress);
            await Eventually.WaitAsync(() => Task.FromResult(TrainerMetadata.ActiveTrainers(
                    services.GetRequiredService<IClusterMembershipService>(), services.GetRequiredService<ISiloMetadataCache>()).Count),
                count => count == 2, TimeSpan.FromSeconds(30), $"{silo.Name} to see both trainers");
        }

        var draining = Cluster.Silos.Single(s => s.Name == DrainingSilo);
        await Cluster.GetSiloServiceProvider(draining.SiloAddress).GetRequiredService<RunExecutor>()
            .DrainAsync(TimeSpan.Zero, CancellationToken.None);
    }
}

public sealed class DrainingTrainerTests(DrainingTrainerClusterFixture fixture) : IClassFixture<DrainingTrainerClusterFixture>
{
    [Fact]
    public async Task Sweep_OneTrainerShuttingDown_RunsMoveToTheOtherWithoutUsingUpRetries()
    {
        // Eight runs and no retries: a refusal by the draining trainer must neither fail a run nor be offered again.
        var spec = new SweepSpec
        {
            LearningRates = [0.1, 0.05, 0.01, 0.005], BatchSizes = [8, 16], Epochs = [2], DataRoot = "/data", RetriesPerRun = 0,
        };
        var coordinator = fixture.Client.GetGrain<ISweepCoordinatorGrain>("draining");

        Assert.Equal(SweepStartOutcome.Started, (await coordinator.StartAsync(spec)).Outcome);
        var sweep = await Eventually.WaitAsync(async () => (await coordinator.GetSnapshotAsync())!, s => s.Status.IsFinal(),
            TimeSpan.FromSeconds(60), "the sweep to finish");

        Assert.Equal(SweepStatus.Completed, sweep.Status);
        Assert.All(sweep.Cells, t => Assert.Equal(CellStatus.Completed, t.Status));
        Assert.All(sweep.Cells, t => Assert.Equal(ClusterFixture.TrainerSilo, t.Silo));
        // The first round offers each trainer twice its two slots (runs are short and eight are pending): the four
        // offered to the draining trainer are refused once each, and each refusing grain moves to the trainer that
        // stays, so none is refused twice; the other four start at their first attempt.
        Assert.Equal(4, sweep.Cells.Count(t => t.Attempts == 2));
        Assert.Equal(4, sweep.Cells.Count(t => t.Attempts == 1));
    }
}

using GridSearch.Abstractions;
using GridSearch.Grains.Execution;
using GridSearch.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace GridSearch.Grains.Tests;

/// <summary>Two trainers, of which one ("Silo_2") is shutting down: its slots are drained before any sweep starts.</summary>
public sealed class DrainingTrainerClusterFixture : ClusterFixture
{
    public const string DrainingSilo = "Silo_2";

    protected override bool IsTrainer(string siloName) => siloName is TrainerSilo or DrainingSilo;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
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
            LearningRates = [0.1, 0.05, 0.01, 0.005], BatchSizes = [8, 16], Epochs = [2], DataRoot = "/data", RetriesPerTrial = 0,
        };
        var coordinator = fixture.Client.GetGrain<ISweepCoordinatorGrain>("draining");

        Assert.Equal(SweepStartOutcome.Started, (await coordinator.StartAsync(spec)).Outcome);
        var sweep = await Eventually.WaitAsync(async () => (await coordinator.GetSnapshotAsync())!, s => s.Status.IsFinal(),
            TimeSpan.FromSeconds(60), "the sweep to finish");

        Assert.Equal(SweepStatus.Completed, sweep.Status);
        Assert.All(sweep.Trials, t => Assert.Equal(CellStatus.Completed, t.Status));
        Assert.All(sweep.Trials, t => Assert.Equal(ClusterFixture.TrainerSilo, t.Silo));
        // At most one refusal per run: the refusing silo moves the run's grain to a trainer that stays, and the
        // coordinator stops offering it runs.
        Assert.All(sweep.Trials, t => Assert.InRange(t.Attempts, 1, 2));
    }
}

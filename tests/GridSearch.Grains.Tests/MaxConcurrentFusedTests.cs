using GridSearch.Abstractions;
using GridSearch.Trainer.Execution;
using GridSearch.Hosting;
using GridSearch.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace GridSearch.Grains.Tests;

/// <summary>--max-concurrent counts a fused group once, however many runs it trains, and still caps the groups in flight.</summary>
public sealed class MaxConcurrentFusedTests
{
    [Fact]
    public async Task MaxConcurrentTwo_AGroupOfTwoRunsInFlight_CountsOnce_AndTheCapStillHoldsTheThirdGroupBack()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddGridSearch(new TrainerSiloOptions { Enabled = true, Slots = 4, Device = "cpu" }); // room for three groups
            silo.AddMemoryGrainStorage(GridSearchStorage.Name);
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton<IRunTrainer, ScriptedRunTrainer>();
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync(TestContext.Current.CancellationToken);
        var runner = (ScriptedRunTrainer)cluster.GetSiloServiceProvider(cluster.Silos.Single().SiloAddress).GetRequiredService<IRunTrainer>();
        using var release = new ManualResetEventSlim();
        runner.BeforeEpoch = (assignment, epoch, token) =>
        {
            if (assignment.Parameters.BatchSize == 8 && epoch == 1)
            {
                WaitHandle.WaitAny([release.WaitHandle, token.WaitHandle]); // the first group stays in flight
            }
        };
        var coordinator = cluster.Client.GetGrain<ISweepCoordinatorGrain>("capped");

        Assert.Equal(SweepStartOutcome.Started, (await coordinator.StartAsync(new SweepSpec
        {
            LearningRates = [0.1, 0.05], BatchSizes = [8, 16, 32], Epochs = [2], DataRoot = "/data/fused", MaxConcurrent = 2,
        })).Outcome);

        try
        {
            // The held group counts once: with it in flight, the other two groups train one after the other beside it.
            var during = await Eventually.WaitAsync(async () => (await coordinator.GetSnapshotAsync())!,
                s => s.Cells.Where(t => t.Parameters.BatchSize == 32).All(t => t.Status == CellStatus.Completed),
                TimeSpan.FromSeconds(60), "the third group to finish while the first is held");
            var groups = during.Cells.GroupBy(t => t.FusedGroup).ToList();
            Assert.Equal(3, groups.Count);
            Assert.All(groups, g => Assert.Equal(2, g.Count()));
            Assert.All(during.Cells.Where(t => t.Parameters.BatchSize == 8), t => Assert.Equal(CellStatus.Running, t.Status));
            // And the cap held: the third group started only after the second had finished, never beside two others.
            var order = runner.TrainedEpochs.Where(e => e.SweepId == "capped").Select(e => e.RunId).ToList();
            int lastOfSecond = order.FindLastIndex(id => id.Contains("-bs16-", StringComparison.Ordinal));
            int firstOfThird = order.FindIndex(id => id.Contains("-bs32-", StringComparison.Ordinal));
            Assert.True(lastOfSecond < firstOfThird, string.Join(", ", order));
        }
        finally
        {
            release.Set();
        }

        var done = await Eventually.WaitAsync(async () => (await coordinator.GetSnapshotAsync())!, s => s.Status.IsFinal(),
            TimeSpan.FromSeconds(60), "the sweep to finish");
        Assert.Equal(SweepStatus.Completed, done.Status);
    }
}

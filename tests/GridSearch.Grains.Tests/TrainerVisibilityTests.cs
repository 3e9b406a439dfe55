using GridSearch.Abstractions;
using GridSearch.Trainer.Execution;
using GridSearch.Hosting;
using GridSearch.Grains.Placement;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.TestingHost;

namespace GridSearch.Grains.Tests;

/// <summary>
/// A trainer silo that has started can take cells at once: embedded mode starts its sweep right after its own silo
/// starts, and was refused with "no trainer silo is active" while the silo's metadata was still being fetched.
/// </summary>
public sealed class TrainerVisibilityTests
{
    [Fact]
    public async Task StartedTrainerSilo_CountsAsAnActiveTrainerInItsOwnViewAndTakesASweepAtOnce()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddGridSearch(new TrainerSiloOptions { Enabled = true, Slots = 1, Device = "cpu" });
            silo.AddMemoryGrainStorage(GridSearchStorage.Name);
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton<IRunTrainer, ScriptedRunTrainer>();
            silo.Services.AddSingleton<StartProbe>();
            silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<StartProbe>());
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync(TestContext.Current.CancellationToken);

        var silo = cluster.Silos.Single();
        var services = cluster.GetSiloServiceProvider(silo.SiloAddress);
        Assert.True(services.GetRequiredService<StartProbe>().VisibleWhenStarted,
            "the silo's start completed before it counted as a trainer in its own view");
        var trainers = TrainerMetadata.ActiveTrainers(
            services.GetRequiredService<IClusterMembershipService>(), services.GetRequiredService<ISiloMetadataCache>());
        Assert.Contains(trainers, trainer => trainer.Silo.Equals(silo.SiloAddress) && trainer.Slots == 1);

        var started = await cluster.Client.GetGrain<ISweepCoordinatorGrain>("right-after-start").StartAsync(new SweepSpec
        {
            LearningRates = [0.1],
            BatchSizes = [8],
            Epochs = [1],
            DataRoot = "/data/good",
        });
        Assert.Equal(SweepStartOutcome.Started, started.Outcome);
    }

    /// <summary>Looks, the moment every start stage of the silo has completed, whether it counts as a trainer.</summary>
    private sealed class StartProbe(IClusterMembershipService membership, ISiloMetadataCache metadata, ILocalSiloDetails silo)
        : ILifecycleParticipant<ISiloLifecycle>
    {
        public bool VisibleWhenStarted { get; private set; }

        public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(nameof(StartProbe), ServiceLifecycleStage.Last, _ =>
        {
            VisibleWhenStarted = TrainerMetadata.ActiveTrainers(membership, metadata).Any(t => t.Silo.Equals(silo.SiloAddress));
            return Task.CompletedTask;
        });
    }
}

using GridSearch.Grains.Coordinator;
using GridSearch.Grains.Errors;
using GridSearch.Grains.Execution;
using GridSearch.Grains.Metrics;
using GridSearch.Grains.Placement;
using GridSearch.Grains.Security;
using GridSearch.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Serialization;
using Orleans.Storage;

namespace GridSearch.Grains.Hosting;

/// <summary>Wires GridSearch into a silo.</summary>
public static class GridSearchSiloExtensions
{
    /// <summary>
    /// Adds the GridSearch grains, the trainer placement filter, the silo's trainer metadata and (on trainers) the
    /// executor. Options are checked at once and every problem is reported together.
    /// </summary>
    public static ISiloBuilder AddGridSearch(this ISiloBuilder silo, TrainerSiloOptions trainer,
        CoordinatorOptions? coordinator = null, MetricsOptions? metrics = null)
    {
        var validation = new TrainerSiloOptionsValidator().Validate(null, trainer);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(TrainerSiloOptions), typeof(TrainerSiloOptions), validation.Failures);
        }

        silo.UseSiloMetadata(TrainerMetadata.For(trainer.Enabled, trainer.Enabled ? trainer.EffectiveSlots : 0));
        silo.AddIncomingGrainCallFilter<WireSafeErrorsFilter>();
        silo.AddIncomingGrainCallFilter<SiloOnlyCalls>();
        silo.AddOutgoingGrainCallFilter<SiloCallStamp>();
        var services = silo.Services;
        services.AddSingleton(Options.Create(trainer));
        services.AddSingleton(Options.Create(coordinator ?? new CoordinatorOptions()));
        services.AddSingleton(Options.Create(metrics ?? new MetricsOptions()));
        services.AddMetrics();
        services.AddSingleton<ClusterSecret>();
        services.AddSingleton<SweepMetricsRegistry>();
        services.AddSingleton<GridSearchMetrics>();
        services.AddHostedService<MetricsStartup>();
        services.AddPlacementFilter<TrainerOnlyPlacementFilter, TrainerOnlyPlacementDirector>(ServiceLifetime.Singleton);
        services.AddPlacementFilter<PreferNonTrainerPlacementFilter, PreferNonTrainerPlacementDirector>(ServiceLifetime.Singleton);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RunExecutor>();
        services.AddSingleton<DevicePacking>();
        services.AddSingleton<Trainers.FusedJobs>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, TrainerDrain>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, TrainerVisibility>();
        services.AddSingleton<SiloDatasets>();
        if (trainer.SimulatedTrialDuration is not null)
        {
            services.TryAddSingleton<IRunTrainer, SimulatedRunTrainer>();
        }
        else
        {
            services.TryAddSingleton<IRunTrainer, TorchRunTrainer>();
        }
        return silo;
    }

    /// <summary>Stores grain state in files under <paramref name="directory"/> (embedded mode).</summary>
    public static ISiloBuilder AddGridSearchFileStorage(this ISiloBuilder silo, string directory)
    {
        silo.Services.AddKeyedSingleton<IGrainStorage>(GridSearchStorage.Name,
            (services, _) => new FileGrainStorage(directory, services.GetRequiredService<Serializer>()));
        return silo;
    }
}

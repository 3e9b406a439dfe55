using GridSearch.Grains.Diagnostics;
using GridSearch.Coordinator;
using GridSearch.Coordinator.Metrics;
using GridSearch.Grains.Errors;
using GridSearch.Grains.Metrics;
using GridSearch.Trainer;
using GridSearch.Trainer.Execution;
using GridSearch.Grains.Placement;
using GridSearch.Grains.Security;
using GridSearch.Grains;
using GridSearch.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Serialization;
using Orleans.Storage;

namespace GridSearch.Hosting;

/// <summary>Wires GridSearch into a silo.</summary>
public static class GridSearchSiloExtensions
{
    /// <summary>
    /// Adds the coordinator and the trainer (which trains only where <paramref name="trainer"/> enables it), the
    /// placement filters, the silo's trainer metadata, the call filters and the metrics. Options are checked at once and every problem is reported together.
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
        silo.Services.AddSingleton(Options.Create(metrics ?? new MetricsOptions()));
        silo.Services.AddMetrics();
        silo.Services.AddSingleton<ClusterSecret>();
        silo.Services.AddHostedService<MetricsStartup>();
        silo.Services.AddPlacementFilter<PreferNonTrainerPlacementFilter, PreferNonTrainerPlacementDirector>(ServiceLifetime.Singleton);
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton(HoldPoints.FromEnvironment());
        silo.Services.AddGridSearchCoordinator(coordinator ?? new CoordinatorOptions());
        silo.Services.AddGridSearchTrainer(trainer);
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

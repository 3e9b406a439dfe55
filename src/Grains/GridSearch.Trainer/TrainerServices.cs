using GridSearch.Abstractions;
using GridSearch.Grains.Placement;
using GridSearch.Trainer.Execution;
using GridSearch.Trainer.Grains;
using GridSearch.Trainer.Metrics;
using GridSearch.Trainer.Placement;
using GridSearch.Trainer.Programs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace GridSearch.Trainer;

/// <summary>
/// The trainer's services in a silo. Every silo has them (a silo that does not train still places trainer grains,
/// and its executor has no slots); <see cref="TrainerSiloOptions.Enabled"/> decides whether it trains.
/// </summary>
public static class TrainerServices
{
    public static IServiceCollection AddGridSearchTrainer(this IServiceCollection services, TrainerSiloOptions trainer)
    {
        services.AddSingleton(Options.Create(trainer));
        services.AddSingleton<TrainerMetrics>();
        services.AddPlacementFilter<TrainerOnlyPlacementFilter, TrainerOnlyPlacementDirector>(ServiceLifetime.Singleton);
        services.AddSingleton<RunExecutor>();
        services.AddSingleton<DevicePacking>();
        services.AddSingleton<FusedJobs>();
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

        // Sweeps of users' programs go to the program trainer, the others to the built-in (or substituted) one.
        services.AddSingleton(_ => new ProgramGpuPool(ProgramGpuDiscovery.Find(trainer,
            Environment.GetEnvironmentVariable(ProgramGpuDiscovery.VisibleDevicesVariable), NvmlDeviceMemory.TryOpen)));
        services.AddSingleton<RunFolderStore>();
        services.AddSingleton<ProgramRunTrainer>();
        services.AddSingleton<ProgramTester>();
        var builtIn = services.Last(d => d.ServiceType == typeof(IRunTrainer));
        services.Remove(builtIn);
        services.AddSingleton<IRunTrainer>(provider => new ProgramAwareRunTrainer(Create(provider, builtIn), provider.GetRequiredService<ProgramRunTrainer>()));
        return services;
    }

    private static IRunTrainer Create(IServiceProvider provider, ServiceDescriptor descriptor) =>
        (IRunTrainer)(descriptor.ImplementationInstance
                      ?? descriptor.ImplementationFactory?.Invoke(provider)
                      ?? ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType!));
}

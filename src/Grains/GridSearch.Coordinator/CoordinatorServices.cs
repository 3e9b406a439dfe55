using GridSearch.Abstractions;
using GridSearch.Coordinator.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GridSearch.Coordinator;

/// <summary>The coordinator's services in a silo (every silo may host coordinators).</summary>
public static class CoordinatorServices
{
    public static IServiceCollection AddGridSearchCoordinator(this IServiceCollection services, CoordinatorOptions options)
    {
        services.AddSingleton(Options.Create(options));
        services.AddSingleton<SweepMetricsRegistry>();
        services.AddSingleton<SweepMetrics>();
        return services;
    }
}

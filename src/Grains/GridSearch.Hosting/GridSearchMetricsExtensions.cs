using GridSearch.Grains.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace GridSearch.Hosting;

/// <summary>Exports GridSearch's, Orleans' and the .NET runtime's metrics in Prometheus format.</summary>
public static class GridSearchMetricsExtensions
{
    /// <summary>
    /// Registers the OpenTelemetry meter provider with the Prometheus exporter; the host maps the endpoint with
    /// <c>app.MapPrometheusScrapingEndpoint()</c> (served at /metrics).
    /// </summary>
    public static IServiceCollection AddGridSearchPrometheusMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(GridSearchInstruments.MeterName, GridSearchInstruments.OrleansMeterName)
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        return services;
    }
}

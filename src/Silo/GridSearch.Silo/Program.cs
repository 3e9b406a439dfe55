using GridSearch.Trainer.Execution;
using GridSearch.Hosting;
using GridSearch.Silo.Health;
using GridSearch.Silo.Hosting;
using GridSearch.Training.Runtime;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

// The GridSearch cluster silo. Configuration: appsettings.json beside the silo (wherever it is started from), then
// environment variables such as GridSearch__Cluster__Redis, GridSearch__Trainer__Slots (see docs/operations.md, "Cluster mode").
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// Everything a silo can check before it joins: a silo that stops here never enters the membership table.
var problems = SiloPreflight.ConfigurationProblems(builder.Configuration);
if (problems.Count == 0)
{
    var clusterOptions = builder.Configuration.ReadClusterOptions();
    problems = [.. SiloPreflight.PortProblems(clusterOptions),
        .. await SiloPreflight.RedisProblemsAsync(ClusterSiloExtensions.RedisOptions(clusterOptions), clusterOptions.RedisStartupWait, CancellationToken.None)];
}

if (problems.Count == 0)
{
    try
    {
        // Before anything touches TorchSharp: pinned CPU numerics, then an external libtorch (GRIDSEARCH_LIBTORCH) when the build uses one.
        CpuNumerics.Pin(CpuNumerics.Parse(builder.Configuration[$"{TrainerSiloOptions.Section}:Numerics"], $"{TrainerSiloOptions.Section}:Numerics"));
        ExternalLibTorch.LoadIfConfigured();
    }
    catch (Exception error) when (error is LibTorchSetupException or NumericsSettingException)
    {
        problems = [error.Message];
    }
}

if (problems.Count > 0)
{
    SiloPreflight.Report(problems);
    return 1;
}

var cluster = builder.Configuration.ReadClusterOptions();
builder.WebHost.UseUrls($"http://0.0.0.0:{cluster.HttpPort}");
builder.UseOrleans(silo => silo.UseGridSearchCluster(builder.Configuration, cluster));
// Shutdown drains the trainer slots first (running epochs finish and checkpoint); give it time to.
builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = builder.Configuration.DrainTimeout() + TimeSpan.FromSeconds(30));
builder.Services.AddHealthChecks().AddCheck<SiloReadinessCheck>("silo", tags: ["ready"]);
builder.Services.AddGridSearchPrometheusMetrics();

var app = builder.Build();
app.MapPrometheusScrapingEndpoint(); // /metrics
app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/healthz/ready", new HealthCheckOptions
{
    Predicate = check => check.Tags.Contains("ready"),
    ResponseWriter = HealthResponse.WriteAsync,
});
SiloStartupLog.Numerics(app.Logger, CpuNumerics.Pinned);
if (CpuNumerics.Pinned == NumericsMode.Portable && !CpuNumerics.CpuSupportsPortableKernels)
{
    SiloStartupLog.NoPortableKernels(app.Logger);
}

await app.RunAsync();
return 0;

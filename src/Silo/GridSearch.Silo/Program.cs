using GridSearch.Grains.Hosting;
using GridSearch.Silo.Health;
using GridSearch.Silo.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

// The GridSearch cluster silo. Configuration: appsettings.json, then environment variables such as
// GridSearch__Cluster__Redis, GridSearch__Trainer__Slots (see README "Deploying to a GPU cluster").
// A build with an external libtorch (-p:TorchBackend=external) loads it from GRIDSEARCH_LIBTORCH before anything else.
GridSearch.Training.Runtime.ExternalLibTorch.LoadIfConfigured();
var builder = WebApplication.CreateBuilder(args);
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
app.Run();

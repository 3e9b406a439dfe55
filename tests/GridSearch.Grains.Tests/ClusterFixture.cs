using GridSearch.Trainer.Execution;
using GridSearch.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace GridSearch.Grains.Tests;

/// <summary>
/// An in-process cluster of three silos of which only one ("Silo_1") is a trainer, with the scripted runner
/// instead of TorchSharp and in-memory grain storage.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    public const string TrainerSilo = "Silo_1";

    protected virtual bool IsTrainer(string siloName) => siloName == TrainerSilo;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public ScriptedRunTrainer TrainerRunner => Cluster.Silos
        .Where(s => s.Name == TrainerSilo)
        .Select(s => (ScriptedRunTrainer)Cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<IRunTrainer>())
        .Single();

    public virtual async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((options, silo) =>
        {
            silo.AddGridSearch(new TrainerSiloOptions { Enabled = IsTrainer(options.SiloName), Slots = 2, Device = "cpu" });
            silo.AddMemoryGrainStorage(GridSearchStorage.Name);
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton<IRunTrainer, ScriptedRunTrainer>();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The same cluster with no trainer silo at all.</summary>
public sealed class NoTrainerClusterFixture : ClusterFixture
{
    protected override bool IsTrainer(string siloName) => false;
}

using GridSearch.Abstractions;
using GridSearch.Trainer.Execution;
using GridSearch.Grains.Security;
using GridSearch.Trainer.Grains;
using GridSearch.TestSupport;

namespace GridSearch.Grains.Tests;

/// <summary>Clients reach only the public sweep API; what trainers and coordinators tell each other is for silos.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SiloOnlyCallsTests(ClusterFixture fixture)
{
    [Fact]
    public async Task ClientForgingATrainerReport_IsRefusedAndTheSweepsResultsAreUnchanged()
    {
        var coordinator = fixture.Client.GetGrain<ISweepCoordinatorGrain>("forged");
        var spec = new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [2], DataRoot = "/data" };
        Assert.Equal(SweepStartOutcome.Started, (await coordinator.StartAsync(spec)).Outcome);
        var done = await Eventually.WaitAsync(async () => (await coordinator.GetSnapshotAsync())!, s => s.Status.IsFinal(),
            TimeSpan.FromSeconds(60), "the sweep to finish");

        var reports = fixture.Client.GetGrain<ITrainerReports>("forged");
        var run = done.Cells[0].CellId;
        var error = await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            reports.RecordEpochAsync(run, 1, new EpochMetrics(1, 0.01, 1.0, 0.1, 1), [42f], replayed: false));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => reports.RecordTestResultAsync(1.0, null));

        Assert.Contains("reserved for GridSearch silos", error.Message);
        var after = (await coordinator.GetSnapshotAsync())!;
        Assert.Equal(done.Best, after.Best);
        Assert.Equal(done.TestAccuracy, after.TestAccuracy);
        Assert.Equal(done.Cells[0].Epochs, after.Cells[0].Epochs);
    }

    [Fact]
    public async Task ClientCallingTrialsCheckpointsAndTheRegistrysWrites_IsRefused()
    {
        var trial = fixture.Client.GetGrain<IRunGrain>(TrainerGrainKeys.Run("someone-elses", "lr0.1-bs8-ep2"));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => trial.ClearCheckpointAsync());
        await Assert.ThrowsAsync<PermissionDeniedException>(() => trial.SaveCheckpointAsync(new RunCheckpoint(1, [], [])));
        await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            fixture.Client.GetGrain<IDatasetInspectorGrain>("x").DescribeAsync(new DataRequest("/etc", 0, 0.8, 0.1, false, 1)));
        var registry = fixture.Client.GetGrain<ISweepRegistryGrain>(0);
        await Assert.ThrowsAsync<PermissionDeniedException>(() => registry.RegisterAsync("bogus"));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => registry.UnregisterAsync("forged"));

        Assert.DoesNotContain("bogus", await registry.ListAsync()); // the public read still works
    }

    [Fact]
    public async Task ClientGuessingTheSecret_IsRefused()
    {
        RequestContext.Set("gridsearch-silo-secret", new string('0', 64));
        try
        {
            await Assert.ThrowsAsync<PermissionDeniedException>(() =>
                fixture.Client.GetGrain<ISweepRegistryGrain>(0).RegisterAsync("guessed"));
        }
        finally
        {
            RequestContext.Clear();
        }
    }

    /// <summary>What a client may call: the public sweep API, and nothing else.</summary>
    private static readonly string[] ClientApi =
    [
        "ISweepCoordinatorGrain.StartAsync", "ISweepCoordinatorGrain.GetSnapshotAsync", "ISweepCoordinatorGrain.GetChangesAsync",
        "ISweepCoordinatorGrain.CancelAsync",
        "ISweepCoordinatorGrain.ResumeAsync", "ISweepCoordinatorGrain.DeleteAsync", "ISweepCoordinatorGrain.GetWinnerWeightsAsync",
        "ISweepRegistryGrain.ListAsync",
    ];

    private static IEnumerable<System.Reflection.MethodInfo> GrainMethods() =>
        new[] { typeof(ISweepCoordinatorGrain).Assembly, typeof(RunGrain).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t) && t.Namespace?.StartsWith("GridSearch", StringComparison.Ordinal) == true)
            .SelectMany(t => t.GetMethods());

    [Fact]
    public void EveryGrainMethodOutsideThePublicSweepApi_IsMarkedSiloOnly()
    {
        var methods = GrainMethods().ToList();
        Assert.Contains(methods, m => m.DeclaringType == typeof(IFusedGroupGrain)); // the scan sees the trainers' interfaces

        var open = methods.Where(m => !SiloOnlyCalls.IsSiloOnly(m)).Select(m => $"{m.DeclaringType!.Name}.{m.Name}").Order().ToList();

        Assert.Equal(ClientApi.Order(), open);
    }

    [Fact]
    public async Task EverySiloOnlyMethod_CalledByAClient_IsRefusedBeforeItRuns()
    {
        var probed = new List<string>();
        foreach (var method in GrainMethods().Where(SiloOnlyCalls.IsSiloOnly))
        {
            var type = method.DeclaringType!;
            var grain = typeof(IGrainWithIntegerKey).IsAssignableFrom(type)
                ? fixture.Client.GetGrain(type, 0L)
                : fixture.Client.GetGrain(type, "probe/lr0.1-bs8-ep2");
            object?[] arguments = method.GetParameters()
                .Select(p => p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null).ToArray();

            var error = await Record.ExceptionAsync(() => (Task)method.Invoke(grain, arguments)!);

            Assert.True(error is PermissionDeniedException, $"{type.Name}.{method.Name} from a client: {error?.ToString() ?? "no error"}");
            probed.Add($"{type.Name}.{method.Name}");
        }

        // Every trainer-side interface, the fused groups' and the winner test's included.
        Assert.Contains("IFusedGroupGrain.StartAsync", probed);
        Assert.Contains("IWinnerTestGrain.StartAsync", probed);
        Assert.Contains("ITrainerReports.RunFinishedAsync", probed);
        Assert.Contains("ISweepRegistryGrain.RegisterAsync", probed);
    }
}

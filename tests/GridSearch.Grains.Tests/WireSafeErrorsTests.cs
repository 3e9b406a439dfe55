using GridSearch.Abstractions;
using GridSearch.Grains.Execution;
using GridSearch.Grains.Trials;

namespace GridSearch.Grains.Tests;

/// <summary>Failures raised on a trainer reach callers on other silos and cluster clients with their message.</summary>
[Collection(ClusterCollection.Name)]
public sealed class WireSafeErrorsTests(ClusterFixture fixture)
{
    private static DataRequest Request(string root) => new(root, 0, 0.8, 0.1, false, 40_000_000);

    [Fact]
    public async Task ClientCall_TrainerThrowsTypeWithoutCodec_GetsTheMessage()
    {
        var inspector = fixture.Client.GetGrain<IDatasetInspectorGrain>("wire-direct");

        var error = await Assert.ThrowsAsync<SiloProblemException>(() => inspector.DescribeAsync(Request("/data/unserializable")));

        Assert.Contains("refused by the scripted trainer; pick another", error.Message);
        Assert.Equal(typeof(NotForTheWireException).FullName, error.OriginalType);
    }

    [Fact]
    public async Task Start_TrainerThrowsTypeWithoutCodec_ProblemNamesTheTrainersMessage()
    {
        var coordinator = fixture.Client.GetGrain<ISweepCoordinatorGrain>("wire-start");

        var result = await coordinator.StartAsync(new SweepSpec { DataRoot = "/data/unserializable" });

        Assert.Equal(SweepStartOutcome.Invalid, result.Outcome);
        Assert.Contains(result.Problems, p => p.Contains("refused by the scripted trainer; pick another"));
        Assert.DoesNotContain(result.Problems, p => p.Contains("codec", StringComparison.OrdinalIgnoreCase));
    }
}

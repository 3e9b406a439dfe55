using GridSearch.Abstractions;

namespace GridSearch.Grains.Tests;

/// <summary>Failures raised on a trainer reach callers on other silos and cluster clients with their message.</summary>
[Collection(ClusterCollection.Name)]
public sealed class WireSafeErrorsTests(ClusterFixture fixture)
{
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

using GridSearch.Trainer.Execution;
using GridSearch.Silo.Hosting;

namespace GridSearch.Deploy.Tests;

public sealed class ClusterTrainerRulesTests
{
    [Fact]
    public void Problems_TrainerWithoutDataRoots_RefusesToStartNamingTheSettings()
    {
        var problem = Assert.Single(ClusterTrainerRules.Problems(new TrainerSiloOptions()));

        Assert.Contains("GridSearch__Trainer__DataRoots__0", problem);
        Assert.Contains("GridSearch__Trainer__AllowAnyDataRoot=true", problem);
    }

    [Fact]
    public void Problems_RootsGivenOrAnyPathAllowedOrNotATrainer_None()
    {
        Assert.Empty(ClusterTrainerRules.Problems(new TrainerSiloOptions { DataRoots = ["/data"] }));
        Assert.Empty(ClusterTrainerRules.Problems(new TrainerSiloOptions { AllowAnyDataRoot = true }));
        Assert.Empty(ClusterTrainerRules.Problems(new TrainerSiloOptions { Enabled = false }));
    }
}

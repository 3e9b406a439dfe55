using GridSearch.Trainer.Execution;

namespace GridSearch.Grains.Tests;

public sealed class TrainerSiloOptionsTests
{
    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:1")]
    public void EffectiveSlots_AutomaticOnAGpu_AreTheGpuSlots_WhoseMemoryDecidesHowManyTrainAtOnce(string device)
    {
        Assert.Equal(TrainerSiloOptions.GpuSlots, new TrainerSiloOptions { Device = device }.EffectiveSlots);
    }

    [Fact]
    public void EffectiveSlots_AutomaticOnCpu_IsOnePerCore()
    {
        Assert.Equal(Environment.ProcessorCount, new TrainerSiloOptions { Device = "cpu" }.EffectiveSlots);
    }

    [Fact]
    public void EffectiveSlots_Configured_IsTakenAsGiven()
    {
        Assert.Equal(3, new TrainerSiloOptions { Device = "cuda", Slots = 3 }.EffectiveSlots);
    }
}

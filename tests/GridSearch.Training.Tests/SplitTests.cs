using GridSearch.Training.Data;

namespace GridSearch.Training.Tests;

public sealed class SplitTests
{
    [Theory]
    [InlineData(2400, 1920, 240, 240)]
    [InlineData(10, 8, 1, 1)]
    [InlineData(37, 29, 3, 5)]
    public void Create_Sizes_AreFloorOfFractionsAndRest(int count, int train, int val, int test)
    {
        var split = DataSplit.Create(count, seed: 0);

        Assert.Equal((train, val, test), (split.Train.Length, split.Validation.Length, split.Test.Length));
        Assert.Equal(Enumerable.Range(0, count), split.Train.Concat(split.Validation).Concat(split.Test).Order());
    }

    [Fact]
    public void Create_SameSeed_GivesSameSplit()
    {
        var a = DataSplit.Create(500, seed: 42);
        var b = DataSplit.Create(500, seed: 42);

        Assert.Equal(a.Train, b.Train);
        Assert.Equal(a.Validation, b.Validation);
        Assert.Equal(a.Test, b.Test);
    }

    [Fact]
    public void Create_OtherSeed_GivesOtherSplit()
    {
        Assert.NotEqual(DataSplit.Create(500, seed: 1).Train, DataSplit.Create(500, seed: 2).Train);
    }

    [Fact]
    public void Create_KnownSeed_MatchesPyTorchRandomSplit()
    {
        // torch.randperm(10, generator=torch.Generator().manual_seed(0)).tolist() in PyTorch 2.x.
        var split = DataSplit.Create(10, seed: 0);

        Assert.Equal([4, 1, 7, 5, 3, 9, 0, 8, 6, 2], split.Train.Concat(split.Validation).Concat(split.Test));
    }

    [Fact]
    public void Create_TooFewImages_ExplainsTheMinimum()
    {
        var error = Assert.Throws<DataProblemException>(() => DataSplit.Create(5, seed: 0));

        Assert.Contains("5 usable image", error.Message);
    }
}

using GridSearch.Abstractions;

namespace GridSearch.Grains.Tests;

public sealed class GridSearcherTests
{
    [Fact]
    public void Expand_SeedGrid_IsOdometerOrderWithEpochsInnermost()
    {
        var cells = SweepCells.Of(new SweepSpec()).Select(c => c.CellId).ToArray();

        Assert.Equal(
        [
            "lr0.01-bs16-ep5", "lr0.01-bs16-ep10", "lr0.01-bs32-ep5", "lr0.01-bs32-ep10",
            "lr0.001-bs16-ep5", "lr0.001-bs16-ep10", "lr0.001-bs32-ep5", "lr0.001-bs32-ep10",
        ], cells);
    }

    [Fact]
    public void Expand_RepeatedValues_AreDroppedKeepingFirstOccurrenceOrder()
    {
        var spec = new SweepSpec { LearningRates = [0.1, 0.01, 0.1], BatchSizes = [8, 8], Epochs = [3, 1, 3] };

        var cells = SweepCells.Of(spec).ToArray();

        Assert.Equal(4, cells.Length);
        Assert.Equal(4, SweepCells.Count(spec));
        Assert.Equal([new CellParameters(0.1, 8, 3), new CellParameters(0.1, 8, 1), new CellParameters(0.01, 8, 3),
            new CellParameters(0.01, 8, 1)], cells);
    }

    [Fact]
    public void Count_LargeGrid_IsComputedWithoutBuildingIt()
    {
        var spec = new SweepSpec
        {
            LearningRates = Enumerable.Range(1, 1000).Select(i => i / 1e4).ToArray(),
            BatchSizes = Enumerable.Range(1, 1000).ToArray(),
            Epochs = Enumerable.Range(1, 1000).ToArray(),
        };

        Assert.Equal(1_000_000_000, SweepCells.Count(spec));
    }

    [Fact]
    public void TrialId_IsStableAndReadable()
    {
        Assert.Equal("lr1e-05-bs64-ep12", new CellParameters(0.00001, 64, 12).CellId);
        Assert.Equal("lr0.5-bs1-ep1", new CellParameters(0.5, 1, 1).CellId);
    }
}

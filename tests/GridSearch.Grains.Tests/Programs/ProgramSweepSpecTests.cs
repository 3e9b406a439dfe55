using GridSearch.Abstractions;
using GridSearch.Coordinator;

namespace GridSearch.Grains.Tests.Programs;

/// <summary>
/// A sweep of the user's own program: its parameters are the user's names (numbers or texts), laid out in the order
/// given with the epoch count innermost; its objective is any metric it reports, highest or lowest best.
/// </summary>
public sealed class ProgramSweepSpecTests
{
    private static readonly DatasetSummary NoData = new("/work", [], 0, 0, 0, 0, [], 0, false);
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ProgramSpec Program = new() { Command = ["python3", "train.py", "--lr", "{lr}"] };

    private static SweepSpec Spec(params SearchDimension[] space) => new() { Program = Program, Parameters = space, DataRoot = "/work" };

    private static SearchDimension Epochs(params double[] counts) => SearchDimension.Of(ParameterCatalog.Epochs, counts);

    [Fact]
    public void Grid_KeepsTheUsersOrderWithEpochsInnermost_AndNamesCellsByTheirOwnParameters()
    {
        var spec = Spec(Epochs(2, 3), SearchDimension.Of("act", ["relu", "tan h"]), SearchDimension.Of("lr", [0.1, 1]));

        var cells = SweepCells.Of(spec).ToArray();

        Assert.Empty(SweepSpecRules.Problems(spec));
        Assert.Equal(
            ["actrelu-lr0.1-ep2", "actrelu-lr0.1-ep3", "actrelu-lr1-ep2", "actrelu-lr1-ep3",
             "acttan~20h-lr0.1-ep2", "acttan~20h-lr0.1-ep3", "acttan~20h-lr1-ep2", "acttan~20h-lr1-ep3"],
            cells.Select(c => c.CellId));
        Assert.Equal(["act", "lr", "epochs"], cells[0].Values.Select(s => s.Name));
        Assert.Equal("tan h", cells[^1].Get("act").Text);
        Assert.Equal(1, cells[^1].Get("lr").Number);
        Assert.All(cells, c => Assert.True(c.IsProgram));
    }

    [Fact]
    public void CellIds_TextValuesThatWouldCollideOrLeaveTheFolder_StayDistinctSingleSegments()
    {
        var spec = Spec(SearchDimension.Of("a", ["x-b1", "x", "../up", "ü"]), SearchDimension.Of("b", ["1", "b1"]), Epochs(1));

        var ids = SweepCells.Of(spec).Select(c => c.CellId).ToArray();

        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches(@"\A[A-Za-z0-9._+~-]+\z", id));
        Assert.Contains("a..~2Fup-b1-ep1", ids);
    }

    [Fact]
    public void SharedPrefix_ProgramCellsThatDifferOnlyInEpochs_ShareOneRun()
    {
        var state = SweepCreation.Create(Spec(SearchDimension.Of("lr", [0.1, 0.3]), Epochs(2, 4)), NoData, Now);

        Assert.Equal(4, state.Cells.Count);
        Assert.Equal(["lr0.1-ep4", "lr0.3-ep4"], state.Runs.Select(r => r.Id));
    }

    [Fact]
    public void FusedGroups_NeverFormForAProgramsRuns()
    {
        var spec = Spec(SearchDimension.Of("lr", [0.1, 0.3]), SearchDimension.Of("optimizer", ["sgd"]), Epochs(2));

        Assert.Empty(FusedGroups.Shapes(spec));
    }

    [Fact]
    public void IntegerRange_OfAProgramParameter_GivesWholeNumbers_AndRandomSearchIsSeeded()
    {
        var layers = new SearchDimension("layers", Range: new ParameterRange(1, 4, Count: 4), Kind: ParameterKind.Integer);
        var width = new SearchDimension("width", Range: new ParameterRange(10, 1000, RangeScale.Log));
        var grid = Spec(layers, Epochs(1));
        var random = Spec(layers, width, SearchDimension.Of("act", ["relu", "gelu"]), Epochs(1)) with { Search = "random", Samples = 20, Seed = 7 };

        Assert.Equal([1, 2, 3, 4], SweepCells.Of(grid).Select(c => c.Get("layers").Number));
        var drawn = SweepCells.Of(random).ToArray();
        Assert.Equal(drawn.Select(c => c.CellId), SweepCells.Of(random).Select(c => c.CellId));
        Assert.All(drawn, c => Assert.Equal(Math.Floor(c.Get("layers").Number), c.Get("layers").Number));
        Assert.All(drawn, c => Assert.InRange(c.Get("width").Number, 10, 1000));
        Assert.Equal(["gelu", "relu"], drawn.Select(c => c.Get("act").Text).Distinct().Order());
    }

    [Fact]
    public void Rules_NameEveryMistakeOfAProgramSweep()
    {
        var spec = Spec(SearchDimension.Of("2lr", [0.1]), SearchDimension.Of("lr", [double.PositiveInfinity]),
                SearchDimension.Of("empty", Array.Empty<double>()))
            with { Program = Program with { Command = [], Timeout = TimeSpan.Zero, Gpus = -1 }, Metric = "val loss" };

        var problems = SweepSpecRules.Problems(spec);

        Assert.Contains(problems, p => p.Contains("the epochs list is empty", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("parameter name '2lr'", StringComparison.Ordinal));
        Assert.Contains("parameter 'lr' infinity must be a finite number", problems);
        Assert.Contains(problems, p => p.Contains("the parameter 'empty' list is empty", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("command is empty", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("timeout", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("gpus -1", StringComparison.Ordinal));
        Assert.Empty(SweepSpecRules.Problems(Spec(Epochs(1)) with { Program = Program with { Command = ["train"], Gpus = 2, GpuMemoryBytes = 1L << 30 } }));
        Assert.Contains(SweepSpecRules.Problems(Spec(Epochs(1)) with { Program = Program with { GpuMemoryBytes = 1L << 30 } }),
            p => p.Contains("give gpus: 1 (or more) with it", StringComparison.Ordinal));
        Assert.Contains(SweepSpecRules.Problems(Spec(Epochs(1)) with
            {
                Program = Program with { Gpus = 1, Environment = new Dictionary<string, string> { ["CUDA_VISIBLE_DEVICES"] = "0" } },
            }),
            p => p.Contains("drop one of them", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("metric 'val loss'", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("data root", StringComparison.Ordinal));
    }

    [Fact]
    public void Rules_TheBuiltInModelsKeepTheirObjective()
    {
        var problems = SweepSpecRules.Problems(new SweepSpec { DataRoot = "/data", Metric = "val_loss", Mode = MetricMode.Min });

        Assert.Contains(problems, p => p.Contains("tuned for val_accuracy", StringComparison.Ordinal));
    }

    [Fact]
    public void Winner_WithModeMin_IsTheLowestValueOfTheMetric_NotTheHighestAccuracy()
    {
        var book = new SweepBook(SweepCreation.Create(
            Spec(SearchDimension.Of("lr", [0.1, 0.3]), Epochs(2)) with { Metric = "val_loss", Mode = MetricMode.Min }, NoData, Now));
        var runs = book.ClaimRuns(2);

        book.RecordEpoch(runs[0].Id, 1, Reported(1, ("val_loss", 0.9), ("val_accuracy", 0.9)));
        book.RecordEpoch(runs[1].Id, 1, Reported(1, ("val_loss", 0.5), ("val_accuracy", 0.1)));
        book.RecordEpoch(runs[0].Id, 1, Reported(2, ("val_loss", 0.7), ("val_accuracy", 0.95)));
        book.RecordEpoch(runs[1].Id, 1, Reported(2, ("val_loss", double.NaN), ("val_accuracy", 0.2)));

        Assert.Equal(("lr0.3-ep2", 1, 0.5), (book.State.Best!.CellId, book.State.Best.Epoch, book.State.Best.Value));
    }

    [Fact]
    public void Asha_WithModeMin_StopsTheRunWithTheHigherLoss()
    {
        var spec = Spec(SearchDimension.Of("lr", [0.1, 0.2, 0.3]), Epochs(4)) with
        {
            Metric = "loss", Mode = MetricMode.Min,
            Scheduler = new SchedulerSpec { Name = SchedulerNames.Asha, ReductionFactor = 3, MinEpochs = 1 },
        };
        var book = new SweepBook(SweepCreation.Create(spec, NoData, Now));
        var runs = book.ClaimRuns(3);

        book.RecordEpoch(runs[0].Id, 1, Reported(1, ("loss", 0.2)));
        book.RecordEpoch(runs[1].Id, 1, Reported(1, ("loss", 0.1)));
        book.RecordEpoch(runs[2].Id, 1, Reported(1, ("loss", 0.9)));

        Assert.Equal(CellStatus.Stopped, book.State.Cells.Single(c => c.Id == "lr0.3-ep4").Status);
        Assert.Equal(CellStatus.Running, book.State.Cells.Single(c => c.Id == "lr0.2-ep4").Status);
    }

    private static EpochMetrics Reported(int epoch, params (string Name, double Value)[] metrics) =>
        new(epoch, double.NaN, metrics.FirstOrDefault(m => m.Name == "val_accuracy").Value, 0.1, 0)
        {
            Reported = metrics.ToDictionary(m => m.Name, m => m.Value),
        };
}

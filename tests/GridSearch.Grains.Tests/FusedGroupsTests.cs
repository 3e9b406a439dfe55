using GridSearch.Abstractions;
using GridSearch.Coordinator;
using GridSearch.Trainer.Execution;

namespace GridSearch.Grains.Tests;

/// <summary>How a sweep's runs are put into fused groups, and how a group is claimed and handed out as one unit.</summary>
public sealed class FusedGroupsTests
{
    private static readonly DatasetSummary Dataset = new("/data", ["a", "b"], 100, 80, 10, 10, [], 0.1, false);
    private static readonly TrainerCapabilities Fusing = new(FusedTraining: true);
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static SweepBook Book(SweepSpec spec, TrainerCapabilities? trainer = null, DatasetSummary? dataset = null) =>
        new(Create(spec with { DataRoot = "/data" }, trainer ?? Fusing, dataset ?? Dataset));

    /// <summary>A new sweep as the coordinator creates it: the trainer gives each fusable shape its group width.</summary>
    internal static SweepState Create(SweepSpec spec, TrainerCapabilities trainer, DatasetSummary dataset, DateTimeOffset? now = null)
    {
        var shapes = FusedGroups.Shapes(spec);
        var widths = FusedGroupWidths.For(trainer, spec.FusedGroupSize, spec.ImageSize, dataset.Classes.Length, shapes);
        return SweepCreation.Create(spec, dataset, now ?? Now, groupWidths: shapes.Zip(widths).ToDictionary(p => p.First, p => p.Second));
    }

    private static SweepSpec Grid(string lr, string batch = "16", int groupSize = 16) => new()
    {
        Parameters =
        [
            SearchDimension.Of(ParameterCatalog.LearningRate, lr.Split(',').Select(double.Parse)),
            SearchDimension.Of(ParameterCatalog.BatchSize, batch.Split(',').Select(double.Parse)),
            SearchDimension.Of(ParameterCatalog.Epochs, [3]),
        ],
        FusedGroupSize = groupSize,
    };

    [Fact]
    public void Create_GroupsRunsThatDifferOnlyInTheirRates_ByBatchSize_InGridOrder_UpToTheGroupSize()
    {
        var book = Book(Grid("0.1,0.05,0.02", "8,16", groupSize: 2));

        Assert.Equal(
            [["lr0.1-bs8-ep3", "lr0.05-bs8-ep3"], ["lr0.1-bs16-ep3", "lr0.05-bs16-ep3"]],
            book.State.Groups.Select(g => g.Runs.ToArray()));
        // The third rate of each batch size is left alone: a group of one is a plain run.
        Assert.Null(book.State.Runs.Single(r => r.Id == "lr0.02-bs8-ep3").Group);
        Assert.Equal(book.State.Groups[0].Id, book.State.Runs.Single(r => r.Id == "lr0.05-bs8-ep3").Group);
    }

    [Fact]
    public void Create_FusesNothing_WithoutFuse_OrOnTrainersThatDoNotFuse_AndFusesSoftmaxRegressionToo()
    {
        Assert.Empty(Book(Grid("0.1,0.05") with { Fuse = false }).State.Groups);
        Assert.Empty(Book(Grid("0.1,0.05"), TrainerCapabilities.RunsAlone).State.Groups);
        Assert.Single(Book(Grid("0.1,0.05")).State.Groups);
        Assert.Single(Book(Grid("0.1,0.05"), dataset: Dataset with { Classes = ["a", "b", "c"] }).State.Groups);
    }

    [Fact]
    public void Create_FusesMlpRunsOfOneArchitecture_AndLeavesTheCnnAlone()
    {
        var spec = Grid("0.1,0.05") with
        {
            Parameters =
            [
                .. Grid("0.1,0.05").Parameters!,
                SearchDimension.Of(ParameterCatalog.Model, ["mlp", "cnn"]),
                SearchDimension.Of(ParameterCatalog.Hidden, [16, 32]),
            ],
        };

        var book = Book(spec);

        // One group per MLP architecture (hidden 16, hidden 32), each holding its two rates; no CNN run is grouped.
        Assert.Equal(2, book.State.Groups.Count);
        Assert.All(book.State.Groups, g => Assert.Equal(2, g.Runs.Count));
        var byId = book.State.Runs.ToDictionary(r => r.Id);
        Assert.All(book.State.Groups, g => Assert.Single(g.Runs.Select(id => byId[id].Parameters!.Hidden).Distinct()));
        Assert.All(book.State.Runs.Where(r => r.Parameters!.Model == "cnn"), r => Assert.Null(r.Group));
        Assert.All(book.State.Runs.Where(r => r.Parameters!.Model == "mlp"), r => Assert.NotNull(r.Group));
    }

    [Fact]
    public void AutomaticGroupSize_Is16OnCpuTrainers_AndOnAGpuAsManyRunsAsItsMemoryHolds_WhichAlsoCapsAGivenSize()
    {
        string rates = string.Join(",", Enumerable.Range(1, 40).Select(i => (i / 1000.0).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var mlp = Grid(rates, groupSize: SweepSpec.AutomaticFusedGroupSize) with
        {
            Parameters = [.. Grid(rates).Parameters!, SearchDimension.Of(ParameterCatalog.Model, ["mlp"])],
            ImageSize = 32,
        };
        Assert.Equal([16, 16, 8], Book(mlp).State.Groups.Select(g => g.Runs.Count));

        // A GPU trainer whose memory holds 11 such lanes (hidden 128 over 3·32·32 inputs at batch size 16), worked out by
        // hand from the documented estimate (floats × 4 bytes × 1.25 + 64 MiB): a lane holds 128 × 3073 + 129 = 393,473
        // values, 4 copies; the evaluation batch (512) is the larger pass: 512 × 3072 × 2 + width × 512 × 516 floats.
        // 11 lanes: 17,312,812 + 6,051,840 floats → 183,932,124 bytes; 12 lanes: 18,886,704 + 6,316,032 → 193,122,544.
        const long budget = 188_000_000;
        var gpu = new TrainerCapabilities(FusedTraining: true, OnGpu: true, DeviceMemoryBudget: budget);
        Assert.Equal([11, 11, 11, 7], Book(mlp, gpu).State.Groups.Select(g => g.Runs.Count));
        Assert.Equal([5, 5, 5, 5, 5, 5, 5, 5], Book(mlp with { FusedGroupSize = 5 }, gpu).State.Groups.Select(g => g.Runs.Count));
        Assert.Equal([11, 11, 11, 7], Book(mlp with { FusedGroupSize = 64 }, gpu).State.Groups.Select(g => g.Runs.Count));
        // The logistic model is small: every one of the 40 runs fits in one group; a CPU trainer with the same budget
        // keeps its automatic 16, and the budget still caps it.
        Assert.Equal([40], Book(Grid(rates, groupSize: 0) with { ImageSize = 32 }, gpu).State.Groups.Select(g => g.Runs.Count));
        Assert.Equal([16, 16, 8], Book(Grid(rates, groupSize: 0) with { ImageSize = 32 }, gpu with { OnGpu = false }).State.Groups.Select(g => g.Runs.Count));
        Assert.Equal([11, 11, 11, 7], Book(mlp, gpu with { OnGpu = false }).State.Groups.Select(g => g.Runs.Count));
    }

    [Fact]
    public void ClaimWork_HandsOutAGroupAsOneUnit_WithEachRunInItsRow()
    {
        var book = Book(Grid("0.1,0.05,0.02", "8,16"));

        var work = book.ClaimWork(1, Now);

        var group = Assert.Single(work);
        Assert.Equal(3, group.Runs.Count);
        Assert.All(group.Runs, r => Assert.Equal(CellStatus.Running, r.Status));
        var assignment = book.AssignmentFor("s", group);
        Assert.Equal(3, assignment.Width);
        Assert.Equal([0, 1, 2], assignment.Lanes.Select(l => l.Row));
        Assert.Equal(1, assignment.Attempt);
        Assert.Single(book.ClaimWork(5, Now)); // the other batch size's group
    }

    [Fact]
    public void RunOfAGroup_WaitsWhileTheGroupTrains_ThenTrainsInItsOwnRow()
    {
        var book = Book(Grid("0.1,0.05,0.02"));
        var first = Assert.Single(book.ClaimWork(1, Now));
        var middle = first.Runs[1];

        // The middle run's attempt is lost (its reports did not arrive): it waits for its group to finish.
        book.RunFinished(middle.Id, middle.Attempts, RunOutcome.ReportsLost, "lost", Now);
        Assert.Empty(book.ClaimWork(1, Now));
        foreach (var run in new[] { first.Runs[0], first.Runs[2] })
        {
            for (int epoch = 1; epoch <= 3; epoch++)
            {
                book.RecordEpoch(run.Id, run.Attempts, new EpochMetrics(epoch, 0.5, 0.6, 0.1, 1000));
            }

            book.RunFinished(run.Id, run.Attempts, RunOutcome.Completed, null, Now);
        }

        var again = Assert.Single(book.ClaimWork(1, Now));
        Assert.Equal([middle.Id], again.Runs.Select(r => r.Id));
        var assignment = book.AssignmentFor("s", again);
        Assert.Equal(3, assignment.Width); // the group keeps its width, so the run's numbers do not change
        Assert.Equal(1, Assert.Single(assignment.Lanes).Row);
        Assert.Equal(2, assignment.Attempt);
    }
}

using GridSearch.Abstractions;
using GridSearch.Coordinator;

namespace GridSearch.Grains.Tests;

/// <summary>Runs stored before they carried a parameter map hold only three fields; those become the run's parameters.</summary>
public sealed class RunRecordMigrationTests
{
    [Fact]
    public void RunStoredWithOnlyTheEarlierFields_HasThoseAsItsParameters()
    {
        var run = new RunRecord { Id = "lr0.01-bs16-ep10", EarlierLearningRate = 0.01, EarlierBatchSize = 16, EarlierEpochs = 10 };

        Assert.Equal(new CellParameters(0.01, 16, 10), run.Parameters);
        Assert.Equal(10, run.Epochs);
    }

    [Fact]
    public void RunWithParameters_IgnoresTheEarlierFields_AndItsAssignmentStillWritesThemForEarlierTrainers()
    {
        var run = new RunRecord { Id = "r", EarlierLearningRate = 0.5, Parameters = new CellParameters(0.01, 16, 10) };
        var assignment = new RunAssignment("s", run.Id, run.Parameters.WithEpochs(4), new DataRequest("/data", 0, 0.8, 0.1, false, 1), 1, 0);

        Assert.Equal(0.01, run.Parameters.LearningRate);
        Assert.Equal((0.01, 16, 4), (assignment.EarlierLearningRate, assignment.EarlierBatchSize, assignment.EarlierEpochs));
        Assert.Equal(4, assignment.Epochs);
    }
}

using GridSearch.Abstractions;
using GridSearch.Coordinator;

namespace GridSearch.Grains.Tests;

/// <summary>Every status change goes through StatusRules: illegal moves throw with a message naming what and where.</summary>
public sealed class StatusRulesTests
{
    [Fact]
    public void Sweep_IllegalMove_ThrowsNamingBothStatuses()
    {
        var sweep = new SweepState { Status = SweepStatus.Completed };

        var error = Assert.Throws<InvalidOperationException>(() => sweep.MoveTo(SweepStatus.Running));

        Assert.Equal("A sweep cannot move from Completed to Running.", error.Message);
        Assert.Equal(SweepStatus.Completed, sweep.Status);
    }

    [Fact]
    public void Sweep_ReopenedWhileRunning_IsRefusedNamingItsStatus()
    {
        var sweep = new SweepState { Status = SweepStatus.Running };

        var error = Assert.Throws<InvalidOperationException>(sweep.Reopen);

        Assert.Equal("Only a Failed or Cancelled sweep can be reopened, not a Running one.", error.Message);
    }

    [Theory]
    [InlineData(CellStatus.Failed)]
    [InlineData(CellStatus.Cancelled)]
    [InlineData(CellStatus.Completed)]
    public void Cell_ReopenedFromAnEnd_GoesBackToPending(CellStatus from)
    {
        var cell = new CellRecord { Id = "c", Status = from };

        cell.Reopen();

        Assert.Equal(CellStatus.Pending, cell.Status);
    }

    [Theory]
    [InlineData(CellStatus.Running)]
    [InlineData(CellStatus.Pending)]
    [InlineData(CellStatus.Stopped)]
    public void CellAndRun_ReopenedFromAnythingElse_AreRefusedNamingThem(CellStatus from)
    {
        var cell = new CellRecord { Id = "c1", Status = from };
        var run = new RunRecord { Id = "r1", Status = from };

        Assert.Equal($"The trial c1 cannot be reopened from {from}.", Assert.Throws<InvalidOperationException>(cell.Reopen).Message);
        Assert.Equal($"The run r1 cannot be reopened from {from}.", Assert.Throws<InvalidOperationException>(run.Reopen).Message);
        Assert.Equal(from, cell.Status);
    }

    [Theory]
    [InlineData(CellStatus.Completed, CellStatus.Running)]
    [InlineData(CellStatus.Stopped, CellStatus.Pending)]
    [InlineData(CellStatus.Failed, CellStatus.Completed)]
    [InlineData(CellStatus.Running, CellStatus.Running)]
    public void CellAndRun_IllegalMove_ThrowsNamingThemAndBothStatuses(CellStatus from, CellStatus to)
    {
        var cell = new CellRecord { Id = "c1", Status = from };
        var run = new RunRecord { Id = "r1", Status = from };

        Assert.Equal($"The trial c1 cannot move from {from} to {to}.", Assert.Throws<InvalidOperationException>(() => cell.MoveTo(to)).Message);
        Assert.Equal($"The run r1 cannot move from {from} to {to}.", Assert.Throws<InvalidOperationException>(() => run.MoveTo(to)).Message);
        Assert.Equal(from, run.Status);
    }

    [Theory]
    [InlineData(CellStatus.Pending, CellStatus.Completed)] // a run waiting at a rung whose last cell is stopped
    [InlineData(CellStatus.Running, CellStatus.Pending)]
    [InlineData(CellStatus.Pending, CellStatus.Stopped)]
    public void Cell_LegalMove_IsTaken(CellStatus from, CellStatus to)
    {
        var cell = new CellRecord { Id = "c1", Status = from };

        cell.MoveTo(to);

        Assert.Equal(to, cell.Status);
    }
}

using GridSearch.Abstractions;
using GridSearch.Grains.Diagnostics;
using GridSearch.Trainer.Execution;
using GridSearch.Grains.Placement;
using GridSearch.Trainer.Programs;

namespace GridSearch.Trainer.Grains;

/// <inheritdoc cref="IWinnerTestGrain"/>
[TrainerOnly]
public sealed class WinnerTestGrain(RunExecutor executor, IRunTrainer runner, ProgramTester programs, IGrainFactory grains, IHoldPoints holds)
    : Grain, IWinnerTestGrain
{
    public Task StartAsync(DataRequest data, float[] weights, GridSearch.Abstractions.CellParameters? cell = null)
    {
        string sweepId = this.GetPrimaryKeyString();
        executor.Submit(TestKey, attempt: 1, cancellation =>
        {
            var reports = grains.GetGrain<ITrainerReports>(sweepId);
            GridSearch.Abstractions.TestResult? result = null;
            string? error = null;
            try
            {
                holds.Reach("testing");
                result = runner.Test(data, weights, cell, cancellation);
            }
            catch (Exception failure)
            {
                error = failure.Message;
            }

            return TrainerReportsCaller.CallAsync(() => reports.RecordTestResultAsync(result?.Accuracy, error, result?.Confusion));
        });
        return Task.CompletedTask;
    }

    public async Task StartProgramTestAsync(DataRequest data, string runId, int epoch, GridSearch.Abstractions.CellParameters cell)
    {
        string sweepId = this.GetPrimaryKeyString();
        // Read here, where grain calls belong; the slot gets the folder itself.
        var checkpoint = await grains.GetGrain<IRunGrain>(TrainerGrainKeys.Run(sweepId, runId)).ReadCheckpointAsync();
        executor.Submit(TestKey, attempt: 1, cancellation =>
        {
            var reports = grains.GetGrain<ITrainerReports>(sweepId);
            Dictionary<string, double>? metrics = null;
            string? error = null;
            try
            {
                holds.Reach("testing");
                metrics = new Dictionary<string, double>(programs.Test(new ProgramTest(sweepId, runId, epoch, cell, data), checkpoint, cancellation));
            }
            catch (Exception failure)
            {
                error = failure.Message;
            }

            return TrainerReportsCaller.CallAsync(() => reports.RecordProgramTestAsync(metrics, error));
        });
    }

    public Task<bool> IsRunningAsync() => Task.FromResult(executor.IsActive(TestKey, attempt: 1));

    private string TestKey => $"{this.GetPrimaryKeyString()}#test";
}

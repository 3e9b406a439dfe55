using GridSearch.Trainer.Execution;
using GridSearch.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GridSearch.Grains.Tests;

/// <summary>The executor's count of runs in flight, which the per-silo cells-in-flight gauge shows.</summary>
public sealed class RunExecutorTests
{
    [Fact]
    public async Task RunsInFlight_CountsAPlainRunAsOne_AndAFusedGroupAsTheRunsStillInIt()
    {
        using var executor = new RunExecutor(Options.Create(new TrainerSiloOptions { Slots = 2 }), NullLogger<RunExecutor>.Instance);
        using var releaseRun = new ManualResetEventSlim();
        using var releaseGroup = new ManualResetEventSlim();
        int groupRuns = 5;

        executor.Submit("run", 1, _ =>
        {
            releaseRun.Wait(CancellationToken.None);
            return Task.CompletedTask;
        });
        executor.Submit("group", 1, _ =>
        {
            releaseGroup.Wait(CancellationToken.None);
            return Task.CompletedTask;
        }, () => Volatile.Read(ref groupRuns));

        await Eventually.WaitAsync(() => executor.RunsInFlight == 6, TimeSpan.FromSeconds(10), "one run and a group of five in flight");
        Volatile.Write(ref groupRuns, 3); // two of the group's runs finished or were stopped
        Assert.Equal(4, executor.RunsInFlight);
        releaseRun.Set();
        await Eventually.WaitAsync(() => executor.RunsInFlight == 3, TimeSpan.FromSeconds(10), "the group's three runs in flight");
        releaseGroup.Set();
        await Eventually.WaitAsync(() => executor.RunsInFlight == 0, TimeSpan.FromSeconds(10), "nothing in flight");
    }
}

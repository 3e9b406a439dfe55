using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using GridSearch.Abstractions;
using GridSearch.Coordinator;
using GridSearch.Trainer.Execution;
using GridSearch.Hosting;
using GridSearch.Grains.Metrics;
using GridSearch.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace GridSearch.Grains.Tests;

/// <summary>
/// The only trainer leaves while a sweep has work left: the sweep waits, says so in its status and in the
/// gridsearch.sweep.waiting_for_trainers gauge, and fails once GridSearch:Coordinator:NoTrainerTimeout has passed.
/// </summary>
public sealed class NoTrainerTimeoutTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task LastTrainerStopped_SweepWaitsWithTheGaugeAtOne_ThenFailsAfterNoTrainerTimeout()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((options, silo) =>
        {
            silo.AddGridSearch(
                new TrainerSiloOptions { Enabled = options.SiloName == ClusterFixture.TrainerSilo, Slots = 1, Device = "cpu", DrainTimeout = TimeSpan.Zero },
                new CoordinatorOptions { NoTrainerTimeout = Limit, ReconcileInterval = TimeSpan.FromMilliseconds(500) });
            silo.AddMemoryGrainStorage(GridSearchStorage.Name);
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton<IRunTrainer, ScriptedRunTrainer>();
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync(TestContext.Current.CancellationToken);
        var trainerSilo = cluster.Silos.Single(s => s.Name == ClusterFixture.TrainerSilo);
        var runner = (ScriptedRunTrainer)cluster.GetSiloServiceProvider(trainerSilo.SiloAddress).GetRequiredService<IRunTrainer>();
        var held = new TaskCompletionSource();
        runner.BeforeEpoch = (_, epoch, token) =>
        {
            if (epoch == 2)
            {
                held.TrySetResult();
                token.WaitHandle.WaitOne(); // until the silo's shutdown cancels it
            }
        };
        var waiting = new ConcurrentQueue<double>();
        using var listener = WaitingGauge(waiting, "orphaned");

        var coordinator = cluster.Client.GetGrain<ISweepCoordinatorGrain>("orphaned");
        Assert.Equal(SweepStartOutcome.Started, (await coordinator.StartAsync(new SweepSpec
        {
            LearningRates = [0.1], BatchSizes = [8], Epochs = [3], DataRoot = "/data",
        })).Outcome);
        await held.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        listener.RecordObservableInstruments();
        Assert.Equal(0, Assert.Single(waiting)); // a trainer is there: not waiting

        await cluster.StopSiloAsync(trainerSilo, TestContext.Current.CancellationToken);

        var wait = await Eventually.WaitAsync(async () => (await coordinator.GetSnapshotAsync())!, s => s.WaitingForTrainersSince is not null || s.Status.IsFinal(),
            TimeSpan.FromSeconds(60), "the sweep to wait for a trainer");
        Assert.Equal(SweepStatus.Running, wait.Status);
        Assert.Equal(SweepBook.WaitingMessage, wait.Message);
        // The coordinator publishes to the metrics soon after its state changes.
        await Eventually.WaitAsync(() =>
        {
            waiting.Clear();
            listener.RecordObservableInstruments();
            return waiting.SequenceEqual([1.0]);
        }, TimeSpan.FromSeconds(30), "the waiting gauge to read 1");

        var failed = await Eventually.WaitAsync(async () => (await coordinator.GetSnapshotAsync())!, s => s.Status.IsFinal(),
            TimeSpan.FromSeconds(60), "the sweep to give up waiting");
        Assert.Equal(SweepStatus.Failed, failed.Status);
        Assert.EndsWith($"The sweep waited {Limit} for one (GridSearch:Coordinator:NoTrainerTimeout).", failed.Message);
        Assert.True(failed.FinishedAt - wait.WaitingForTrainersSince >= Limit, $"failed at {failed.FinishedAt}, waiting since {wait.WaitingForTrainersSince}");
        Assert.Equal([1], failed.Cells[0].Epochs.Select(e => e.Epoch)); // the epoch trained before the trainer left is kept
        await Eventually.WaitAsync(() =>
        {
            waiting.Clear();
            listener.RecordObservableInstruments();
            return waiting.IsEmpty; // a finished sweep exports no waiting series
        }, TimeSpan.FromSeconds(30), "the waiting series to go");
    }

    private static MeterListener WaitingGauge(ConcurrentQueue<double> values, string sweepId)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == GridSearchInstruments.MeterName && instrument.Name == GridSearchInstruments.SweepWaitingForTrainers)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            if (tags.ToArray().Any(t => t.Key == "sweep_id" && (string?)t.Value == sweepId))
            {
                values.Enqueue(value);
            }
        });
        listener.Start();
        return listener;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using GridSearch.Abstractions;
using GridSearch.Grains.Metrics;
using GridSearch.TestSupport;

namespace GridSearch.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class MetricsInstrumentTests(ClusterFixture fixture)
{
    private sealed record Seen(string Name, string? Unit, string[] Tags, double Value, string? SweepId);

    [Fact]
    public async Task Instruments_HaveTheDocumentedNamesUnitsAndLabels()
    {
        var seen = new ConcurrentBag<Seen>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GridSearchInstruments.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state) where T : struct =>
            seen.Add(new Seen(instrument.Name, instrument.Unit, tags.ToArray().Select(t => t.Key).Order().ToArray(), Convert.ToDouble(value),
                tags.ToArray().Where(t => t.Key == "sweep_id").Select(t => t.Value?.ToString()).FirstOrDefault()));
        listener.SetMeasurementEventCallback<double>(Record);
        listener.SetMeasurementEventCallback<long>(Record);
        listener.SetMeasurementEventCallback<int>(Record);
        listener.Start();

        var coordinator = fixture.Client.GetGrain<ISweepCoordinatorGrain>("metered");
        await coordinator.StartAsync(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [2, 3], DataRoot = "/data" });
        await Eventually.WaitAsync(async () => (await coordinator.GetSnapshotAsync())!.Status, s => s.IsFinal(), TimeSpan.FromSeconds(60), "the sweep to finish");
        // The coordinator publishes its final state right after it becomes visible to status queries.
        await Eventually.WaitAsync(() =>
        {
            listener.RecordObservableInstruments();
            return seen.Any(s => s.Name == GridSearchInstruments.SweepTestAccuracy);
        }, TimeSpan.FromSeconds(30), "the winner's test accuracy to be observable");

        // Other test classes run sweeps in this process at the same time: only this sweep's series (and the silos') count.
        Seen[] Of(string name) => seen.Where(s => s.Name == name && s.SweepId is null or "metered").ToArray();
        void Expect(string name, string? unit, params string[] tags)
        {
            var measurements = Of(name);
            Assert.True(measurements.Length > 0, $"no measurement of {name}; seen: {string.Join(", ", seen.Select(s => s.Name).Distinct())}");
            Assert.All(measurements, m => Assert.Equal(unit, m.Unit));
            Assert.Contains(measurements, m => m.Tags.SequenceEqual(tags.Order()));
        }

        Expect(GridSearchInstruments.Epochs, null, "sweep_id");
        Expect(GridSearchInstruments.EpochDuration, "s", "sweep_id");
        Expect(GridSearchInstruments.SamplesTrained, null, "sweep_id");
        Expect(GridSearchInstruments.Trials, null, "state", "sweep_id");
        Expect(GridSearchInstruments.TrialValidationAccuracy, "1", "sweep_id", "trial_id");
        Expect(GridSearchInstruments.TrialTrainLoss, "1", "sweep_id", "trial_id");
        Expect(GridSearchInstruments.TrialEpoch, null, "sweep_id", "trial_id");
        Expect(GridSearchInstruments.TrialInfo, null, "batch_size", "epochs", "lr", "model", "momentum", "optimizer", "state", "sweep_id", "trial_id", "weight_decay");
        Expect(GridSearchInstruments.SweepBestValidationAccuracy, "1", "sweep_id");
        Expect(GridSearchInstruments.SweepTestAccuracy, "1", "sweep_id");
        Expect(GridSearchInstruments.TrainerSlots, null, "silo");
        Expect(GridSearchInstruments.TrainerSlotsBusy, null, "silo");
        Expect(GridSearchInstruments.TrainerRunsInFlight, null, "silo");

        // Histograms never carry trial ids: their cardinality stays one series set per sweep.
        Assert.DoesNotContain(Of(GridSearchInstruments.EpochDuration), m => m.Tags.Contains("trial_id"));
        Assert.Equal(3, Of(GridSearchInstruments.Epochs).Where(m => m.Tags.SequenceEqual(["sweep_id"])).Sum(m => m.Value));
        Assert.Contains(Of(GridSearchInstruments.Trials), m => m.Value == 2); // both cells completed
        Assert.Contains(Of(GridSearchInstruments.TrainerSlots), m => m.Value == 2);
    }
}

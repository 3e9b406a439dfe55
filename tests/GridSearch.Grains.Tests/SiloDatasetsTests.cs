using GridSearch.Trainer.Metrics;
using GridSearch.Coordinator.Metrics;
using GridSearch.Abstractions;
using System.Net;
using GridSearch.Trainer.Execution;
using GridSearch.Grains.Metrics;
using GridSearch.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GridSearch.Grains.Tests;

/// <summary>
/// A trainer's data sets: kept within its memory budget (least recently used first, never one in use), and refused
/// when their files differ from the ones a sweep started with.
/// </summary>
public sealed class SiloDatasetsTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("budget");
    private readonly ServiceProvider _services;
    private readonly TrainerSiloOptions _trainer = new() { Enabled = false, Device = "cpu", DatasetMemoryBudget = 1 };

    public SiloDatasetsTests()
    {
        var trainer = _trainer;
        _services = new ServiceCollection()
            .AddMetrics()
            .AddLogging()
            .AddSingleton(Options.Create(trainer))
            .AddSingleton(Options.Create(new MetricsOptions()))
            .AddSingleton(TimeProvider.System)
            .AddSingleton<SweepMetricsRegistry>()
            .AddSingleton<RunExecutor>()
            .AddSingleton<DevicePacking>()
            .AddSingleton<ILocalSiloDetails, TestSilo>()
            .AddSingleton<TrainerMetrics>()
            .AddSingleton<SiloDatasets>()
            .BuildServiceProvider();
    }

    private SiloDatasets Datasets => _services.GetRequiredService<SiloDatasets>();

    private DataRequest Request(string name) =>
        new(TestImages.WriteImageFolder(_dir.Combine(name), perClass: 6), 0, 0.8, 0.1, false, 40_000_000);

    [Fact]
    public async Task Prepare_BudgetSmallerThanOneSet_NeverFreesASetInUse_AndFreesEachOnceReleased()
    {
        var first = Request("first");
        var second = Request("second");

        var a = await Datasets.PrepareAsync(first);
        long perSet = a.Loaded.Dataset.PixelBytes;
        var b = await Datasets.PrepareAsync(second);
        Assert.Equal(2 * perSet, Datasets.ResidentBytes); // both in use: neither is freed, whatever the budget

        a.Dispose();
        Assert.Equal(perSet, Datasets.ResidentBytes); // the first, no longer used, goes

        b.Dispose();
        Assert.Equal(0, Datasets.ResidentBytes);

        using var again = await Datasets.PrepareAsync(first); // decoded again (or read from the cache) when needed
        Assert.Equal(perSet, again.Loaded.Dataset.PixelBytes);
    }

    [Fact]
    public async Task Prepare_BudgetOfTwoAndAHalfSets_KeepsTheTwoMostRecentlyUsed_AndFreesTheLeastRecentlyUsedOne()
    {
        var first = Request("first");
        var second = Request("second");
        var third = Request("third");
        GridSearch.Training.Data.DatasetLoadResult one, two;
        _trainer.DatasetMemoryBudget = long.MaxValue; // until the size of a set is known
        using (var lease = await Datasets.PrepareAsync(first))
        {
            one = lease.Loaded;
        }

        long perSet = one.Dataset.PixelBytes;
        _trainer.DatasetMemoryBudget = 2 * perSet + perSet / 2;
        using (var lease = await Datasets.PrepareAsync(second))
        {
            two = lease.Loaded;
        }

        using (var lease = await Datasets.PrepareAsync(first))
        {
            Assert.Same(one, lease.Loaded); // still resident; now used after the second
        }

        Assert.Equal(2 * perSet, Datasets.ResidentBytes);
        using (await Datasets.PrepareAsync(third))
        {
            Assert.Equal(2 * perSet, Datasets.ResidentBytes); // the third in, the least recently used (the second) out
        }

        using (var lease = await Datasets.PrepareAsync(first))
        {
            Assert.Same(one, lease.Loaded); // kept
        }

        using (var lease = await Datasets.PrepareAsync(second))
        {
            Assert.NotSame(two, lease.Loaded); // freed, so decoded again
            Assert.Equal(perSet, lease.Loaded.Dataset.PixelBytes);
        }
    }

    [Fact]
    public async Task Prepare_FilesChangedSinceTheSweepStarted_IsRefusedWithoutTraining()
    {
        var request = Request("changing");
        string fingerprint = Datasets.Manifest(request).Fingerprint;
        File.Delete(Directory.GetFiles(Path.Combine(request.Root, "a")).First());

        var error = await Assert.ThrowsAsync<GridSearch.Training.Data.DataProblemException>(
            () => Datasets.PrepareAsync(request with { Fingerprint = fingerprint }));

        Assert.Contains("is not the one the sweep started with", error.Message);
        Assert.Equal(0, Datasets.ResidentBytes);
    }

    public void Dispose()
    {
        _services.Dispose();
        _dir.Dispose();
    }

    private sealed class TestSilo : ILocalSiloDetails
    {
        public string Name => "budget-test";

        public string ClusterId => "test";

        public string DnsHostName => "localhost";

        public SiloAddress SiloAddress { get; } = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);

        public SiloAddress GatewayAddress => SiloAddress;
    }
}

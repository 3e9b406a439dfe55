using GridSearch.Trainer.Execution;
using GridSearch.Trainer.Programs;

namespace GridSearch.Grains.Tests.Programs;

public sealed class ProgramGpuPoolTests
{
    private const long GiB = 1L << 30;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Acquire_RunsGetDistinctDevices_AndAThirdWaitsUntilOneIsGivenBack()
    {
        var pool = new ProgramGpuPool([new ProgramGpu("0", null), new ProgramGpu("1", null)]);

        var first = pool.Acquire(1, null, CancellationToken.None);
        var second = pool.Acquire(1, null, CancellationToken.None);
        Assert.Equal("0", first.VisibleDevices);
        Assert.Equal("1", second.VisibleDevices);

        var third = Task.Run(() => pool.Acquire(1, null, CancellationToken.None), TestContext.Current.CancellationToken);
        Assert.True(SpinWait.SpinUntil(() => pool.Waiting == 1, Patience));
        Assert.False(third.IsCompleted);

        second.Dispose();
        using var given = await third.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Equal("1", given.VisibleDevices);
        first.Dispose();
    }

    [Fact]
    public async Task Acquire_SeveralDevices_AreListedTogether_AndWaitForAllOfThem()
    {
        var pool = new ProgramGpuPool([new ProgramGpu("0", null), new ProgramGpu("1", null), new ProgramGpu("GPU-3f2a", null)]);
        using var one = pool.Acquire(1, null, CancellationToken.None);

        using var two = pool.Acquire(2, null, CancellationToken.None);
        Assert.Equal("1,GPU-3f2a", two.VisibleDevices);

        using var cancel = new CancellationTokenSource();
        var waiting = Task.Run(() => pool.Acquire(2, null, cancel.Token), TestContext.Current.CancellationToken);
        Assert.True(SpinWait.SpinUntil(() => pool.Waiting == 1, Patience));
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Patience, TestContext.Current.CancellationToken));
        Assert.Equal(0, pool.Waiting);
    }

    [Fact]
    public async Task Acquire_WithGpuMemory_SmallRunsShareADeviceWhileTheyFit()
    {
        var pool = new ProgramGpuPool([new ProgramGpu("0", 10 * GiB), new ProgramGpu("1", 10 * GiB)]);

        var a = pool.Acquire(1, 4 * GiB, CancellationToken.None);
        var b = pool.Acquire(1, 4 * GiB, CancellationToken.None);
        var c = pool.Acquire(1, 4 * GiB, CancellationToken.None);
        Assert.Equal(["0", "0", "1"], new[] { a.VisibleDevices, b.VisibleDevices, c.VisibleDevices });

        // A run that wants a device to itself waits while another shares each one.
        var whole = Task.Run(() => pool.Acquire(1, null, CancellationToken.None), TestContext.Current.CancellationToken);
        Assert.True(SpinWait.SpinUntil(() => pool.Waiting == 1, Patience));
        a.Dispose();
        Assert.False(whole.IsCompleted);
        b.Dispose();
        using var alone = await whole.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Equal("0", alone.VisibleDevices);

        // And a sharing run does not go where a run holds the device alone.
        var shared = pool.Acquire(1, 6 * GiB, CancellationToken.None);
        Assert.Equal("1", shared.VisibleDevices);
        c.Dispose();
        shared.Dispose();
    }

    [Fact]
    public async Task Acquire_DeviceOfUnknownCapacity_IsNeverShared()
    {
        var pool = new ProgramGpuPool([new ProgramGpu("0", null)]);
        using var first = pool.Acquire(1, GiB, CancellationToken.None);

        var second = Task.Run(() => pool.Acquire(1, GiB, CancellationToken.None), TestContext.Current.CancellationToken);
        Assert.True(SpinWait.SpinUntil(() => pool.Waiting == 1, Patience));
        first.Dispose();
        using var next = await second.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Equal("0", next.VisibleDevices);
    }

    [Fact]
    public void Acquire_MoreThanTheTrainerHas_FailsAtOnceSayingWhy()
    {
        var none = Assert.Throws<ProgramFailedException>(() => new ProgramGpuPool([]).Acquire(1, null, CancellationToken.None));
        Assert.Contains("GridSearch:Trainer:ProgramGpus", none.Message, StringComparison.Ordinal);

        var pool = new ProgramGpuPool([new ProgramGpu("0", 8 * GiB), new ProgramGpu("1", 8 * GiB)]);
        var tooMany = Assert.Throws<ProgramFailedException>(() => pool.Acquire(3, null, CancellationToken.None));
        Assert.Contains("ask for at most 2", tooMany.Message, StringComparison.Ordinal);
        var tooBig = Assert.Throws<ProgramFailedException>(() => pool.Acquire(1, 9 * GiB, CancellationToken.None));
        Assert.Contains("lower gpu_memory", tooBig.Message, StringComparison.Ordinal);

        using var noGpu = pool.Acquire(0, null, CancellationToken.None);
        Assert.Equal("", noGpu.VisibleDevices);
    }

    [Fact]
    public void Discovery_ConfiguredIdsWin_ThenTheSilosOwnDevices_AndNoneMeansNone()
    {
        var configured = new TrainerSiloOptions { ProgramGpus = ["2", "3"], DeviceMemoryBudget = 6 * GiB };
        Assert.Equal([new ProgramGpu("2", 6 * GiB), new ProgramGpu("3", 6 * GiB)], ProgramGpuDiscovery.Find(configured, "0,1", () => null));

        Assert.Equal(["4", "5"], ProgramGpuDiscovery.Find(new TrainerSiloOptions(), " 4, 5 ", () => null).Select(g => g.Id));
        Assert.Empty(ProgramGpuDiscovery.Find(new TrainerSiloOptions(), null, () => null));
        Assert.Empty(ProgramGpuDiscovery.Find(new TrainerSiloOptions { ProgramGpus = ["none"] }, "0", () => null));
    }
}

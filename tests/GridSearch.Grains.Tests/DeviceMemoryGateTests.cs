using GridSearch.Trainer.Execution;

namespace GridSearch.Grains.Tests;

/// <summary>The gate that packs a device: work trains at once while its estimates fit the budget, and waits otherwise.</summary>
public sealed class DeviceMemoryGateTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }

    [Fact]
    public async Task WorkThatFitsBesideTheHeldWork_TrainsAtOnce_AndWorkThatDoesNot_WaitsUntilEnoughIsGivenBack()
    {
        var gate = new DeviceMemoryGate(100);
        var first = gate.Reserve(60, CancellationToken.None);
        var second = gate.Reserve(40, CancellationToken.None); // 60 + 40 fit
        Assert.Equal(100, gate.ReservedBytes);

        var third = Task.Run(() => gate.Reserve(30, CancellationToken.None));
        await WaitUntil(() => gate.Waiting == 1);
        Assert.False(third.IsCompleted);
        Assert.Equal(100, gate.ReservedBytes);

        second.Dispose(); // 60 + 30 fit now
        using var reserved = await third.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Equal(90, gate.ReservedBytes);
        first.Dispose();
        first.Dispose(); // twice gives back once
        Assert.Equal(30, gate.ReservedBytes);
    }

    [Fact]
    public async Task WorkLargerThanTheWholeBudget_TrainsAlone_RatherThanNever()
    {
        var gate = new DeviceMemoryGate(100);
        var big = gate.Reserve(500, CancellationToken.None);
        Assert.Equal(500, gate.ReservedBytes);
        var small = Task.Run(() => gate.Reserve(1, CancellationToken.None));
        await WaitUntil(() => gate.Waiting == 1);
        Assert.False(small.IsCompleted);

        big.Dispose();

        using var reserved = await small.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Equal(1, gate.ReservedBytes);
    }

    [Fact]
    public async Task WorkCancelledWhileItWaits_StopsWaiting_AndReservesNothing()
    {
        var gate = new DeviceMemoryGate(100);
        using var held = gate.Reserve(80, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = Task.Run(() => gate.Reserve(50, cancel.Token));
        await WaitUntil(() => gate.Waiting == 1);

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Patience, TestContext.Current.CancellationToken));
        Assert.Equal(80, gate.ReservedBytes);
        Assert.Equal(0, gate.Waiting);
    }
}

using GridSearch.Training.Trainer;
using static TorchSharp.torch;

namespace GridSearch.Training.Tests;

/// <summary>
/// TorchSharp passes a Scalar's native handle to libtorch without keeping the Scalar alive, and a Scalar made on the
/// fly (<c>t.sub_(0.5f)</c>) can be finalised by a garbage collection while libtorch still reads it: the step then
/// fails with "Unknown scalar type" (seen in a 64-cell sweep). The per-batch paths must not use such temporaries.
/// </summary>
public sealed class ScalarLifetimeTests
{
    [Fact]
    public async Task NormalisedImages_UnderConstantGarbageCollection_NeverReadsAFinalisedScalar()
    {
        using var data = TinyData.Training(count: 16, size: 4);
        using var indices = arange(0, 16, dtype: ScalarType.Int64);
        await UnderConstantGarbageCollection(() =>
        {
            using var images = data.NormalisedImages(indices);
        });
    }

    [Fact]
    public async Task PlainSgdStep_UnderConstantGarbageCollection_NeverReadsAFinalisedScalar()
    {
        using var model = nn.Linear(4, 1);
        using var optimizer = OptimizerFactory.Create(model.parameters(), new TrainingPlan(0.001, 1, 1, 0));
        using var input = ones(2, 4);
        await UnderConstantGarbageCollection(() =>
        {
            using var scope = NewDisposeScope();
            optimizer.ZeroGrad();
            model.forward(input).sum().backward();
            optimizer.Step();
        });
    }

    /// <summary>Runs the action 200,000 times while another thread collects and runs finalisers all the time.</summary>
    private static async Task UnderConstantGarbageCollection(Action action)
    {
        using var collecting = new CancellationTokenSource();
        var collector = Task.Run(() =>
        {
            while (!collecting.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }, TestContext.Current.CancellationToken);

        try
        {
            for (int i = 0; i < 200_000; i++)
            {
                action();
            }
        }
        finally
        {
            collecting.Cancel();
            await collector;
        }
    }
}

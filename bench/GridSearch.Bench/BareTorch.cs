using static TorchSharp.torch;

namespace GridSearch.Bench;

/// <summary>The steps a hand-written TorchSharp loop takes, shared by the bare baselines.</summary>
public static class BareTorch
{
    /// <summary>One SGD step on the given rows: normalise like the seed, forward, BCE, backward, step.</summary>
    public static void Step(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, nn.Module<Tensor, Tensor, Tensor> loss,
        Tensor images, Tensor labels, Tensor rows)
    {
        using var scope = NewDisposeScope();
        var x = images.index_select(0, rows).to(ScalarType.Float32).div_(255f).sub_(0.5f).div_(0.5f);
        var output = loss.forward(model.forward(x), labels.index_select(0, rows));
        optimizer.zero_grad();
        output.backward();
        optimizer.step();
        output.item<float>();
    }

    /// <summary>Accuracy at threshold 0.5 on the given rows.</summary>
    public static double Accuracy(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels, Tensor rows)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var x = images.index_select(0, rows).to(ScalarType.Float32).div_(255f).sub_(0.5f).div_(0.5f);
        long correct = model.forward(x).gt(0.5).to(ScalarType.Float32).eq(labels.index_select(0, rows)).sum().item<long>();
        return (double)correct / rows.shape[0];
    }
}

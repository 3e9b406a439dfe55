using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GridSearch.Training.Trainer;

/// <summary>What the trainer needs of an optimiser: clear the gradients, take a step, and move its state in and out of checkpoints.</summary>
public abstract class TrainingOptimizer : IDisposable
{
    public abstract void ZeroGrad();

    public abstract void Step();

    /// <summary>The state a checkpoint carries (momentum buffers, Adam's moments); null when the optimiser keeps none.</summary>
    public abstract byte[]? Save();

    public abstract void Restore(byte[] state);

    public abstract void Dispose();
}

/// <summary>
/// One of TorchSharp's optimisers (SGD with momentum or weight decay, Adam), with its state dictionary for checkpoints.
/// A state dictionary carries its rates too; restored, they are set back to the plan's, which differ from the saved
/// ones when population-based training hands a run another's checkpoint with explored values.
/// </summary>
internal sealed class TorchSharpOptimizer(OptimizerHelper optimizer, TrainingPlan plan) : TrainingOptimizer
{
    public override void ZeroGrad() => optimizer.zero_grad();

    public override void Step() => optimizer.step();

    public override byte[] Save()
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            optimizer.save_state_dict(writer);
        }

        return memory.ToArray();
    }

    public override void Restore(byte[] state)
    {
        using (var reader = new BinaryReader(new MemoryStream(state)))
        {
            optimizer.load_state_dict(reader);
        }

        foreach (var group in optimizer.ParamGroups.OfType<ParamGroup>())
        {
            group.LearningRate = plan.LearningRate;
            group.InitialLearningRate = plan.LearningRate;
            switch (group.Options)
            {
                case SGD.Options sgd:
                    (sgd.momentum, sgd.weight_decay) = (plan.Momentum, plan.WeightDecay);
                    break;
                case Adam.Options adam:
                    adam.weight_decay = plan.WeightDecay;
                    break;
            }
        }
    }

    public override void Dispose() => optimizer.Dispose();
}

/// <summary>
/// The baseline's plain SGD (no momentum, no weight decay): p += −lr · grad, the very call PyTorch's and TorchSharp's SGD
/// make, so results are bit for bit theirs. It exists for one reason: TorchSharp's step makes its −lr Scalar afresh for
/// every parameter and does not keep it alive during the native call, so a garbage collection can finalise it while
/// libtorch reads it (see <see cref="Scalars"/>). Here the Scalar lives as long as the optimiser.
/// </summary>
internal sealed class PlainSgd(IEnumerable<Parameter> parameters, double learningRate) : TrainingOptimizer
{
    private readonly Parameter[] _parameters = parameters.ToArray();
    private readonly Scalar _negativeRate = (-learningRate).ToScalar();

    public override void ZeroGrad()
    {
        foreach (var parameter in _parameters)
        {
            using var grad = parameter.grad;
            grad?.zero_();
        }
    }

    public override void Step()
    {
        using var _ = no_grad();
        foreach (var parameter in _parameters)
        {
            using var grad = parameter.grad;
            if (grad is not null)
            {
                parameter.add_(grad, _negativeRate);
            }
        }
    }

    public override byte[]? Save() => null;

    public override void Restore(byte[] state)
    {
    }

    public override void Dispose() => _negativeRate.Dispose();
}

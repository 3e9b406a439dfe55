using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GridSearch.Training.Trainer;

/// <summary>
/// Builds a plan's optimizer with PyTorch's semantics and moves its state in and out of checkpoints. Adam is given
/// PyTorch's beta2 of 0.999 explicitly: TorchSharp's own default differs.
/// </summary>
public static class OptimizerFactory
{
    public static OptimizerHelper Create(IEnumerable<Parameter> parameters, TrainingPlan plan) => plan.Optimizer switch
    {
        "adam" => optim.Adam(parameters, plan.LearningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: plan.WeightDecay),
        // Plain SGD is built exactly as the seed's loop builds it, so its numbers stay bit-identical.
        _ when plan.Momentum == 0 && plan.WeightDecay == 0 => optim.SGD(parameters, plan.LearningRate),
        _ => optim.SGD(parameters, plan.LearningRate, momentum: plan.Momentum, weight_decay: plan.WeightDecay),
    };

    public static byte[] Save(OptimizerHelper optimizer)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            optimizer.save_state_dict(writer);
        }

        return memory.ToArray();
    }

    public static void Restore(OptimizerHelper optimizer, byte[] state)
    {
        using var reader = new BinaryReader(new MemoryStream(state));
        optimizer.load_state_dict(reader);
    }
}

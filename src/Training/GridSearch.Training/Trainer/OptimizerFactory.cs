using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GridSearch.Training.Trainer;

/// <summary>
/// Builds a plan's optimizer with PyTorch's semantics. Adam is given PyTorch's beta2 of 0.999 explicitly: TorchSharp's
/// own default differs.
/// </summary>
public static class OptimizerFactory
{
    public static TrainingOptimizer Create(IEnumerable<Parameter> parameters, TrainingPlan plan) => plan.Optimizer switch
    {
        Optimizers.Adam => new TorchSharpOptimizer(optim.Adam(parameters, plan.LearningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: plan.WeightDecay), plan),
        // The baseline's plain SGD takes exactly the steps the baseline's loop takes, so its numbers stay bit-identical.
        _ when plan.Momentum == 0 && plan.WeightDecay == 0 => new PlainSgd(parameters, plan.LearningRate),
        _ => new TorchSharpOptimizer(optim.SGD(parameters, plan.LearningRate, momentum: plan.Momentum, weight_decay: plan.WeightDecay), plan),
    };
}

using GridSearch.Training.Trainer;
using static TorchSharp.torch;

namespace GridSearch.Training.Model;

/// <summary>
/// The output side shared by the deeper models: with two classes one output, a sigmoid and BCE (the baseline's head,
/// predicting the second class above 0.5); with C &gt; 2 classes C logits, cross-entropy and argmax.
/// </summary>
public abstract class BinaryOrMultiClassModel(string name, int classes) : ClassifierModel(name)
{
    public int Classes { get; } = classes;

    /// <summary>How many values the last layer produces per image.</summary>
    protected int Outputs => Classes == 2 ? 1 : Classes;

    /// <summary>What forward returns: probabilities of the second class [B,1] for two classes, logits [B,C] for more.</summary>
    protected Tensor Head(Tensor logits) => Classes == 2 ? nn.functional.sigmoid(logits) : logits;

    public override Tensor Targets(TrainingData data, Tensor indices) =>
        Classes == 2 ? data.Labels.index_select(0, indices) : data.ClassIndices.index_select(0, indices);

    public override Tensor Loss(Tensor output, Tensor targets) =>
        Classes == 2 ? nn.functional.binary_cross_entropy(output, targets) : nn.functional.cross_entropy(output, targets);

    public override Tensor Predict(Tensor output) =>
        Classes == 2 ? output.gt(Scalars.Threshold).to(ScalarType.Int64).flatten() : output.argmax(1);
}

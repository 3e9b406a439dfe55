using static TorchSharp.torch;

namespace GridSearch.Training.Model;

/// <summary>The model for a data set: the seed's binary logistic regression for two classes, softmax regression for more.</summary>
public static class Classifiers
{
    public static ClassifierModel Create(int inputFeatures, int classes, Device device) => classes switch
    {
        2 => new LogisticRegressionModel(inputFeatures, device),
        > 2 => new SoftmaxRegressionModel(inputFeatures, classes, device),
        _ => throw new ArgumentException($"A classifier needs at least 2 classes, not {classes}.", nameof(classes)),
    };
}

using static TorchSharp.torch;

namespace GridSearch.Training.Model;

/// <summary>
/// The model for a cell: <c>logistic</c> (the baseline's binary logistic regression for two classes, softmax regression for
/// more), <c>mlp</c> or <c>cnn</c>. A new model is one <see cref="ClassifierModel"/> class here, its name in this switch and in the
/// catalog's <c>model</c> choices, and its PyTorch twin in python/gridsearch_models.py.
/// </summary>
public static class Classifiers
{
    public static ClassifierModel Create(int inputFeatures, int classes, Device device, ModelSpec? spec = null)
    {
        if (classes < 2)
        {
            throw new ArgumentException($"A classifier needs at least 2 classes, not {classes}.", nameof(classes));
        }

        spec ??= ModelSpec.Default;
        return spec.Name switch
        {
            ModelSpec.Logistic when classes == 2 => new LogisticRegressionModel(inputFeatures, device),
            ModelSpec.Logistic => new SoftmaxRegressionModel(inputFeatures, classes, device),
            ModelSpec.Mlp => new MlpModel(inputFeatures, classes, spec, device),
            ModelSpec.Cnn => new CnnModel(inputFeatures, classes, spec, device),
            _ => throw new ArgumentException($"Unknown model '{spec.Name}'; use one of {string.Join(", ", ModelSpec.Names)}.", nameof(spec)),
        };
    }
}

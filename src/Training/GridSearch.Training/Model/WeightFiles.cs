using GridSearch.Training.IO;
using TorchSharp;
using TorchSharp.PyBridge;

namespace GridSearch.Training.Model;

/// <summary>
/// Saves and loads a classifier's state (see <see cref="ClassifierModel.GetWeights"/>) as TorchSharp files and as
/// PyTorch <c>state_dict</c> files, whose tensor names match the modules python/gridsearch_models.py builds. Two
/// classes with the baseline's model: <c>linear.weight</c> [1, F], <c>linear.bias</c> [1], exactly the baseline's.
/// </summary>
public static class WeightFiles
{
    public static void SaveTorchSharp(ModelWeights weights, string path, int inputFeatures, int classes = 2, ModelSpec? spec = null)
    {
        using var model = ModelWith(weights, inputFeatures, classes, spec);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            model.save(writer);
        });
    }

    public static void SavePyTorch(ModelWeights weights, string path, int inputFeatures, int classes = 2, ModelSpec? spec = null)
    {
        using var model = ModelWith(weights, inputFeatures, classes, spec);
        AtomicFile.Write(path, stream => model.save_py(stream, skip: null, leaveOpen: true));
    }

    public static ModelWeights LoadTorchSharp(string path, int inputFeatures, int classes = 2, ModelSpec? spec = null)
    {
        using var model = Classifiers.Create(inputFeatures, classes, torch.CPU, spec);
        model.load(path);
        return model.GetWeights();
    }

    public static ModelWeights LoadPyTorch(string path, int inputFeatures, int classes = 2, ModelSpec? spec = null)
    {
        using var model = Classifiers.Create(inputFeatures, classes, torch.CPU, spec);
        model.load_py(path, strict: true);
        return model.GetWeights();
    }

    private static ClassifierModel ModelWith(ModelWeights weights, int inputFeatures, int classes, ModelSpec? spec)
    {
        var model = Classifiers.Create(inputFeatures, classes, torch.CPU, spec);
        model.SetWeights(weights);
        return model;
    }
}

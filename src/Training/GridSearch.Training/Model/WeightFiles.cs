using GridSearch.Training.IO;
using TorchSharp;
using TorchSharp.PyBridge;

namespace GridSearch.Training.Model;

/// <summary>
/// Saves and loads a classifier's weights as TorchSharp files and as PyTorch state_dict files. Two classes: the seed
/// program's model (<c>linear.weight</c> [1, F], <c>linear.bias</c> [1]); more: softmax regression
/// (<c>linear.weight</c> [C, F], <c>linear.bias</c> [C]). python/gridsearch_models.py builds the matching modules.
/// </summary>
public static class WeightFiles
{
    public static void SaveTorchSharp(ModelWeights weights, string path, int classes = 2)
    {
        using var model = ModelWith(weights, classes);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            model.save(writer);
        });
    }

    public static void SavePyTorch(ModelWeights weights, string path, int classes = 2)
    {
        using var model = ModelWith(weights, classes);
        AtomicFile.Write(path, stream => model.save_py(stream, skip: null, leaveOpen: true));
    }

    public static ModelWeights LoadTorchSharp(string path, int inputFeatures, int classes = 2)
    {
        using var model = Classifiers.Create(inputFeatures, classes, torch.CPU);
        model.load(path);
        return model.GetWeights();
    }

    public static ModelWeights LoadPyTorch(string path, int inputFeatures, int classes = 2)
    {
        using var model = Classifiers.Create(inputFeatures, classes, torch.CPU);
        model.load_py(path, strict: true);
        return model.GetWeights();
    }

    private static ClassifierModel ModelWith(ModelWeights weights, int classes)
    {
        // A classifier over C classes holds (F + 1) values per output: one output for two classes, C for more.
        int outputs = classes == 2 ? 1 : classes;
        var model = Classifiers.Create(weights.Values.Length / outputs - 1, classes, torch.CPU);
        model.SetWeights(weights);
        return model;
    }
}

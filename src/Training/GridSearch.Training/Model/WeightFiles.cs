using GridSearch.Training.IO;
using TorchSharp;
using TorchSharp.PyBridge;

namespace GridSearch.Training.Model;

/// <summary>
/// Saves and loads the logistic model's weights as TorchSharp files and as PyTorch state_dict files (keys
/// <c>linear.weight</c> [1, F] and <c>linear.bias</c> [1], the seed program's model).
/// </summary>
public static class WeightFiles
{
    public static void SaveTorchSharp(ModelWeights weights, string path)
    {
        using var model = ModelWith(weights);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            model.save(writer);
        });
    }

    public static void SavePyTorch(ModelWeights weights, string path)
    {
        using var model = ModelWith(weights);
        AtomicFile.Write(path, stream => model.save_py(stream, skip: null, leaveOpen: true));
    }

    public static ModelWeights LoadTorchSharp(string path, int inputFeatures)
    {
        using var model = new LogisticRegressionModel(inputFeatures, torch.CPU);
        model.load(path);
        return model.GetWeights();
    }

    public static ModelWeights LoadPyTorch(string path, int inputFeatures)
    {
        using var model = new LogisticRegressionModel(inputFeatures, torch.CPU);
        model.load_py(path, strict: true);
        return model.GetWeights();
    }

    private static LogisticRegressionModel ModelWith(ModelWeights weights)
    {
        var model = new LogisticRegressionModel(weights.InputFeatures, torch.CPU);
        model.SetWeights(weights);
        return model;
    }
}

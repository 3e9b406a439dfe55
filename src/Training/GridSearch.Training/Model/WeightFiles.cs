using GridSearch.Training.IO;
using TorchSharp;
using TorchSharp.PyBridge;

namespace GridSearch.Training.Model;

/// <summary>
/// Saves and loads a classifier's weights (images of 3 × 128 × 128) as TorchSharp files and as PyTorch state_dict files. Two classes: the seed
/// program's model (<c>linear.weight</c> [1, F], <c>linear.bias</c> [1]); more: softmax regression
/// (<c>linear.weight</c> [C, F], <c>linear.bias</c> [C]). python/gridsearch_models.py builds the matching modules.
/// </summary>
public static class WeightFiles
{
    public static void SaveTorchSharp(ModelWeights weights, string path, int classes = 2, ModelSpec? spec = null)
    {
        using var model = ModelWith(weights, classes, spec);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            model.save(writer);
        });
    }

    public static void SavePyTorch(ModelWeights weights, string path, int classes = 2, ModelSpec? spec = null)
    {
        using var model = ModelWith(weights, classes, spec);
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

    private static ClassifierModel ModelWith(ModelWeights weights, int classes, ModelSpec? spec)
    {
        var model = Classifiers.Create(InputFeatures(weights.Values.Length, classes, spec ?? ModelSpec.Default), classes, torch.CPU, spec);
        model.SetWeights(weights);
        return model;
    }

    // The input size a model of this spec and class count has when it holds this many values: every layer but the first
    // is known, and the first holds (inputs + 1) values per unit.
    private static int InputFeatures(int values, int classes, ModelSpec spec)
    {
        int outputs = classes == 2 ? 1 : classes;
        if (spec.Name != ModelSpec.Mlp)
        {
            return values / outputs - 1;
        }

        int h = spec.Hidden;
        int rest = (spec.HiddenLayers - 1) * (h * h + h) + outputs * h + outputs + h;
        return (values - rest) / h;
    }
}

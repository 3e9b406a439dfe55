using System.Text.Json;
using GridSearch.Abstractions;
using GridSearch.Client.Output;
using GridSearch.Training.IO;
using GridSearch.Training.Model;

namespace GridSearch.Client.Results;

/// <summary>Writes a sweep's files: results.json, results.csv, curves.png, summary.png and the winner's weights.</summary>
public static class ResultsExporter
{
    public const string ResultsJson = "results.json";
    public const string ResultsCsvFile = "results.csv";
    public const string CurvesPng = "curves.png";
    public const string SummaryPng = "summary.png";
    public const string WinnerTorchSharp = "winner.dat";
    public const string WinnerPyTorch = "winner.pt";

    public static IReadOnlyList<string> Write(SweepSnapshot sweep, WinnerWeights? winner, string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"Output folder '{directory}' cannot be created ({error.Message}); pass --out with a writable folder.");
        }

        var written = new List<string>();
        void Add(string name, Action<string> write)
        {
            string path = Path.Combine(directory, name);
            write(path);
            written.Add(path);
        }

        Add(ResultsJson, path => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(ResultsDocument.From(sweep), Json.Options) + "\n"));
        Add(ResultsCsvFile, path => AtomicFile.WriteAllText(path, ResultsCsv.Render(sweep)));
        Add(CurvesPng, path => AtomicFile.Write(path, stream => stream.Write(CurvesPlot.RenderPng(sweep))));
        Add(SummaryPng, path => AtomicFile.Write(path, stream => stream.Write(SummaryPlot.RenderPng(sweep))));
        // Simulated sweeps (--simulate-training) have no real model to save.
        if (winner is { Values.Length: > 1 })
        {
            var weights = new ModelWeights(winner.Values);
            int classes = sweep.Dataset?.Classes.Length ?? 2;
            var model = GridSearch.Trainer.Execution.CellModels.SpecOf(winner.Best.Parameters);
            int features = 3 * sweep.Spec.ImageSize * sweep.Spec.ImageSize;
            Add(WinnerTorchSharp, path => WeightFiles.SaveTorchSharp(weights, path, features, classes, model));
            Add(WinnerPyTorch, path => WeightFiles.SavePyTorch(weights, path, features, classes, model));
        }

        return written;
    }
}

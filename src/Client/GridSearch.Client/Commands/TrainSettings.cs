using System.ComponentModel;
using System.Globalization;
using GridSearch.Abstractions;
using Spectre.Console.Cli;

namespace GridSearch.Client.Commands;

/// <summary>Options of <c>gridsearch train</c>: one configuration, no cluster.</summary>
public sealed class TrainSettings : DataSettings
{
    [CommandOption("--lr <X>")]
    [Description("Learning rate. Default: 0.001.")]
    public string LearningRate { get; init; } = "0.001";

    [CommandOption("--batch-size <B>")]
    [Description("Mini-batch size. Default: 32.")]
    [DefaultValue(32)]
    public int BatchSize { get; init; }

    [CommandOption("--epochs <E>")]
    [Description("Epochs to train. Default: 5.")]
    [DefaultValue(5)]
    public int Epochs { get; init; }

    [CommandOption("--momentum <M>")]
    [Description("SGD momentum (0 is plain SGD). Default: 0.")]
    [DefaultValue(0.0)]
    public double Momentum { get; init; }

    [CommandOption("--weight-decay <W>")]
    [Description("Weight decay (L2). Default: 0.")]
    [DefaultValue(0.0)]
    public double WeightDecay { get; init; }

    [CommandOption("--optimizer <NAME>")]
    [Description("sgd or adam. Default: sgd.")]
    [DefaultValue(OptimizerNames.Sgd)]
    public string Optimizer { get; init; } = OptimizerNames.Sgd;

    /// <summary>The learning rate as a number; parsed here so "nan" and "inf" reach the plan's own checks.</summary>
    public double ParsedLearningRate => double.TryParse(LearningRate, NumberStyles.Float, CultureInfo.InvariantCulture, out double lr)
        ? lr
        : throw new UserInputException($"--lr '{LearningRate}' is not a number; give a learning rate such as 0.001.");
}

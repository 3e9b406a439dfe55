using GridSearch.Abstractions;

namespace GridSearch.Grains.Tests;

/// <summary>
/// The parameter catalog is a user-facing contract: option names, the prefixes in cell ids (and so in results.csv and
/// checkpoint keys), labels and rules in error messages, defaults and valid ranges. Each is pinned here.
/// </summary>
public sealed class ParameterCatalogContractTests
{
    public static TheoryData<string, ParameterKind, string, string, string?, string, string?> Contract => new()
    {
        { "lr", ParameterKind.Float, "learning rate", "--lr", null, "lr", null },
        { "batch_size", ParameterKind.Integer, "batch size", "--batch-size", null, "bs", null },
        { "momentum", ParameterKind.Float, "momentum", "--momentum", "0", "mom", null },
        { "weight_decay", ParameterKind.Float, "weight decay", "--weight-decay", "0", "wd", null },
        { "optimizer", ParameterKind.Choice, "optimizer", "--optimizer", "sgd", "", null },
        { "model", ParameterKind.Choice, "model", "--model", "logistic", "", null },
        { "hidden", ParameterKind.Integer, "hidden units", "--hidden", "128", "h", "mlp" },
        { "layers", ParameterKind.Integer, "hidden layers", "--layers", "1", "l", "mlp" },
        { "dropout", ParameterKind.Float, "dropout", "--dropout", "0", "do", "mlp" },
        { "width", ParameterKind.Integer, "cnn width", "--width", "16", "w", "cnn" },
        { "epochs", ParameterKind.Integer, "epochs", "--epochs", null, "ep", null },
    };

    [Theory]
    [MemberData(nameof(Contract))]
    public void Parameter_HasItsNameKindLabelOptionDefaultIdPrefixAndModel(string name, ParameterKind kind, string label, string option,
        string? defaultValue, string idPrefix, string? onlyForModel)
    {
        var parameter = ParameterCatalog.Find(name);

        Assert.NotNull(parameter);
        Assert.Equal((kind, label, option, idPrefix, onlyForModel),
            (parameter.Kind, parameter.Label, parameter.Option, parameter.IdPrefix, parameter.OnlyForModel));
        Assert.Equal(defaultValue, parameter.Default?.ToString());
    }

    [Fact]
    public void Catalog_ListsEveryParameterOnce_InLayoutOrder()
    {
        Assert.Equal(["lr", "batch_size", "momentum", "weight_decay", "optimizer", "model", "hidden", "layers", "dropout", "width", "epochs"],
            ParameterCatalog.All.Select(p => p.Name));
        Assert.Equal(0, ParameterCatalog.Order("lr"));
        Assert.Equal(10, ParameterCatalog.Order("epochs"));
        Assert.Equal(int.MaxValue, ParameterCatalog.Order("nope"));
        Assert.Null(ParameterCatalog.Find("nope"));
    }

    [Theory]
    [InlineData("lr", 1e-3)]
    [InlineData("lr", 3.4e38)]
    [InlineData("batch_size", 1)]
    [InlineData("momentum", 0)]
    [InlineData("momentum", 0.999)]
    [InlineData("weight_decay", 0)]
    [InlineData("weight_decay", 1e-4)]
    [InlineData("hidden", 1)]
    [InlineData("hidden", 65_536)]
    [InlineData("layers", 1)]
    [InlineData("layers", 16)]
    [InlineData("dropout", 0)]
    [InlineData("dropout", 0.999)]
    [InlineData("width", 1)]
    [InlineData("width", 1024)]
    [InlineData("epochs", 1)]
    public void Number_AtOrInsideTheBounds_IsAccepted(string name, double value)
    {
        Assert.Null(ParameterCatalog.Find(name)!.Problem(ParameterValue.Of(value)));
    }

    [Theory]
    [InlineData("lr", 0, "learning rate 0 must be a finite number greater than 0 that fits the model's 32-bit floats (at most 3.40282347E+38, at least 1.40129846E-45), for example 0.001")]
    [InlineData("lr", 1e-50, "learning rate 1E-50 must be a finite number greater than 0 that fits the model's 32-bit floats (at most 3.40282347E+38, at least 1.40129846E-45), for example 0.001")]
    [InlineData("batch_size", 0, "batch size 0 must be at least 1")]
    [InlineData("momentum", 1, "momentum 1 must be at least 0 and below 1, for example 0.9")]
    [InlineData("momentum", -0.5, "momentum -0.5 must be at least 0 and below 1, for example 0.9")]
    [InlineData("weight_decay", -1e-4, "weight decay -0.0001 must be 0 or a positive 32-bit float, for example 0.0001")]
    [InlineData("weight_decay", 1e-50, "weight decay 1E-50 must be 0 or a positive 32-bit float, for example 0.0001")]
    [InlineData("hidden", 0, "hidden units 0 must be between 1 and 65,536")]
    [InlineData("hidden", 65_537, "hidden units 65537 must be between 1 and 65,536")]
    [InlineData("layers", 0, "hidden layers 0 must be between 1 and 16")]
    [InlineData("layers", 17, "hidden layers 17 must be between 1 and 16")]
    [InlineData("dropout", 1, "dropout 1 must be at least 0 and below 1")]
    [InlineData("dropout", -0.1, "dropout -0.1 must be at least 0 and below 1")]
    [InlineData("width", 0, "cnn width 0 must be between 1 and 1,024 (channels of the first block)")]
    [InlineData("width", 1025, "cnn width 1025 must be between 1 and 1,024 (channels of the first block)")]
    [InlineData("epochs", 0, "epochs 0 must be at least 1")]
    [InlineData("batch_size", 2.5, "batch size 2.5 is not a whole number; it must be at least 1")]
    [InlineData("epochs", 3e9, "epochs 3000000000 is not a whole number; it must be at least 1")]
    public void Number_OutsideTheBounds_IsRefusedWithTheRule(string name, double value, string problem)
    {
        Assert.Equal(problem, ParameterCatalog.Find(name)!.Problem(ParameterValue.Of(value)));
    }

    [Theory]
    [InlineData("optimizer", "sgd", null)]
    [InlineData("optimizer", "adam", null)]
    [InlineData("optimizer", "rmsprop", "optimizer 'rmsprop' is not one of sgd, adam")]
    [InlineData("model", "logistic", null)]
    [InlineData("model", "mlp", null)]
    [InlineData("model", "cnn", null)]
    [InlineData("model", "vit", "model 'vit' is not one of logistic, mlp, cnn")]
    [InlineData("lr", "fast", "learning rate 'fast' is not a number; it must be a finite number greater than 0 that fits the model's 32-bit floats (at most 3.40282347E+38, at least 1.40129846E-45), for example 0.001")]
    public void Name_IsCheckedAgainstTheChoices(string name, string value, string? problem)
    {
        Assert.Equal(problem, ParameterCatalog.Find(name)!.Problem(ParameterValue.Of(value)));
    }

    private const string Known = "lr, batch_size, momentum, weight_decay, optimizer, model, hidden, layers, dropout, width, epochs";

    [Theory]
    [InlineData("LR", "unknown parameter 'LR' (did you mean 'lr'?); the parameters are: " + Known)]
    [InlineData("dropoutabc", "unknown parameter 'dropoutabc' (did you mean 'dropout'?); the parameters are: " + Known)]
    [InlineData("dropoutabcd", "unknown parameter 'dropoutabcd'; the parameters are: " + Known)]
    [InlineData("abcdefgh", "unknown parameter 'abcdefgh'; the parameters are: " + Known)]
    [InlineData("weight_decya", "unknown parameter 'weight_decya' (did you mean 'weight_decay'?); the parameters are: " + Known)]
    public void UnknownName_SuggestsTheClosestWithinThreeEdits(string name, string problem)
    {
        Assert.Equal(problem, ParameterCatalog.UnknownProblem(name));
    }

    [Fact]
    public void CellParameters_WithoutModelOrOptimizer_AreTheSeedsLogisticSgd_AndIdsSayWhatDiffersFromTheDefaults()
    {
        var plain = new CellParameters(0.01, 16, 10);
        var cell = CellParameters.From(new Dictionary<string, ParameterValue>
        {
            ["lr"] = ParameterValue.Of(0.01), ["batch_size"] = ParameterValue.Of(16), ["epochs"] = ParameterValue.Of(10),
            ["model"] = ParameterValue.Of("mlp"), ["hidden"] = ParameterValue.Of(64), ["optimizer"] = ParameterValue.Of("adam"),
        });

        Assert.Equal(("logistic", "sgd"), (plain.Model, plain.Optimizer));
        Assert.Equal("lr0.01-bs16-ep10", plain.CellId);
        Assert.Equal(("mlp", "adam", 64), (cell.Model, cell.Optimizer, cell.Hidden));
        Assert.Equal("lr0.01-bs16-ep10-adam-mlp-h64", cell.CellId);
    }
}

using GridSearch.Abstractions;
using GridSearch.Trainer.Execution;
using GridSearch.Training.Model;
using GridSearch.Training.Trainer;

namespace GridSearch.Grains.Tests;

/// <summary>
/// The parameter catalog (the contract cells are validated against) and the training library (no Orleans, so it keeps
/// its own names) agree on every optimizer and model name and on the models' defaults.
/// </summary>
public sealed class CatalogAgreementTests
{
    [Fact]
    public void OptimizerAndModelChoices_AreTheTrainersNames()
    {
        Assert.Equal(Optimizers.Names, ParameterCatalog.Find(ParameterCatalog.Optimizer)!.Choices);
        Assert.Equal(ModelSpec.Names, ParameterCatalog.Find(ParameterCatalog.Model)!.Choices);
        Assert.Equal(Optimizers.Sgd, ParameterCatalog.Find(ParameterCatalog.Optimizer)!.Default!.Value.Text);
        Assert.Equal(ModelSpec.Default.Name, ParameterCatalog.Find(ParameterCatalog.Model)!.Default!.Value.Text);
    }

    [Fact]
    public void ArchitectureDefaults_AreTheModelsDefaults()
    {
        var model = ModelSpec.Default;

        Assert.Equal(model.Hidden, ParameterCatalog.Find(ParameterCatalog.Hidden)!.Default!.Value.Number);
        Assert.Equal(model.HiddenLayers, ParameterCatalog.Find(ParameterCatalog.Layers)!.Default!.Value.Number);
        Assert.Equal(model.Dropout, ParameterCatalog.Find(ParameterCatalog.Dropout)!.Default!.Value.Number);
        Assert.Equal(model.Width, ParameterCatalog.Find(ParameterCatalog.Width)!.Default!.Value.Number);
        Assert.Equal(model, CellModels.SpecOf(new CellParameters(0.01, 16, 5)));
    }
}

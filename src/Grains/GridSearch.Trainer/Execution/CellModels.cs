using GridSearch.Abstractions;
using GridSearch.Training.Model;

namespace GridSearch.Trainer.Execution;

/// <summary>The model a cell trains, from its parameters.</summary>
public static class CellModels
{
    public static ModelSpec SpecOf(CellParameters? cell) => cell is null
        ? ModelSpec.Default
        : new ModelSpec(cell.Model, cell.Hidden, cell.Layers, cell.Dropout) { Width = cell.Width };
}

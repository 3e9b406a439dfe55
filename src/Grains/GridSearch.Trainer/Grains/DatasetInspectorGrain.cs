using GridSearch.Abstractions;
using GridSearch.Trainer.Execution;
using GridSearch.Grains.Placement;

namespace GridSearch.Trainer.Grains;

/// <inheritdoc cref="IDatasetInspectorGrain"/>
[TrainerOnly]
public sealed class DatasetInspectorGrain(IRunTrainer runner) : Grain, IDatasetInspectorGrain
{
    // Decoding runs on the thread pool inside SiloDatasets; this turn only awaits it.
    public Task<DatasetSummary> DescribeAsync(DataRequest data) => runner.DescribeAsync(data, CancellationToken.None);

    public Task<DecodeProgress?> ProgressAsync(DataRequest data) => Task.FromResult(runner.Progress(data));

    public Task<DataManifest?> ManifestAsync(DataRequest data) => runner.ManifestAsync(data, CancellationToken.None);

    public async Task<int[]> FusedGroupWidthsAsync(DataRequest data, int requestedSize, CellParameters[] shapes)
    {
        var dataset = await runner.DescribeAsync(data, CancellationToken.None);
        return FusedGroupWidths.For(runner.Capabilities(data), requestedSize, data.EffectiveImageSize, dataset.Classes.Length, shapes);
    }
}

using GridSearch.Abstractions;

namespace GridSearch.Client.SweepFiles;

/// <summary>
/// What a sweep file (<c>--config sweep.yaml</c>, YAML or JSON) says; every field is optional and command-line options
/// override it. <see cref="Data"/> is already resolved against the file's folder.
/// </summary>
public sealed record SweepFile
{
    public required string Path { get; init; }

    public string? Data { get; init; }

    public long? Seed { get; init; }

    public string? Search { get; init; }

    public int? Samples { get; init; }

    public SchedulerSpec? Scheduler { get; init; }

    /// <summary>The parameters the file sets, by name, in the order written.</summary>
    public IReadOnlyList<SearchDimension> Parameters { get; init; } = [];

    public int? MaxConcurrent { get; init; }

    public int? Retries { get; init; }

    /// <summary>from: the earlier sweep a searcher that learns starts from (warm start).</summary>
    public string? From { get; init; }

    /// <summary>max_epochs: the epochs the sweep may train in all.</summary>
    public int? MaxEpochs { get; init; }

    /// <summary>time_budget: how long the sweep may run.</summary>
    public TimeSpan? TimeBudget { get; init; }

    public double? TrainFraction { get; init; }

    public double? ValidationFraction { get; init; }

    public bool? SharedPrefix { get; init; }

    public int? ImageSize { get; init; }

    public bool? Fuse { get; init; }

    public int? GroupSize { get; init; }

    /// <summary>The user's own program (<c>program:</c>), with its working folder resolved against the file's folder.</summary>
    public ProgramSpec? Program { get; init; }

    public string? Metric { get; init; }

    public MetricMode? Mode { get; init; }
}

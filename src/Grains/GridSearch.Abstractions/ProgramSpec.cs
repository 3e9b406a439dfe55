namespace GridSearch.Abstractions;

/// <summary>
/// The user's own training program, which a sweep's runs execute instead of a built-in model: the sweep file's
/// <c>program:</c> (or <c>run --command</c>). <c>{name}</c> in the command is the cell's value of that parameter.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridsearch.ProgramSpec")]
public sealed record ProgramSpec
{
    /// <summary>
    /// The executable and its arguments, with <c>{name}</c> placeholders: a parameter's name between braces (other
    /// braces, as in code, stay as they are; <c>{{</c> and <c>}}</c> are single braces).
    /// </summary>
    [Id(0)] public string[] Command { get; init; } = [];

    /// <summary>Where the program starts: absolute, resolved against the sweep file's folder when the spec is read.</summary>
    [Id(1)] public string WorkingDirectory { get; init; } = ".";

    /// <summary>Variables added to the program's environment.</summary>
    [Id(2)] public Dictionary<string, string> Environment { get; init; } = [];

    /// <summary>Longest an attempt may run; null: no limit.</summary>
    [Id(3)] public TimeSpan? Timeout { get; init; }

    /// <summary>Longest an attempt may go without a report before it counts as failed; null: no limit.</summary>
    [Id(4)] public TimeSpan? ReportTimeout { get; init; }

    /// <summary>GPUs each run gets to itself (through CUDA_VISIBLE_DEVICES); runs wait while too few are free.</summary>
    [Id(5)] public int Gpus { get; init; }

    /// <summary>
    /// Device memory the run reserves on each of its GPUs (<c>gpu_memory:</c>): several runs then share a device while
    /// their reservations fit it. Null: each run has its devices to itself.
    /// </summary>
    [Id(6)] public long? GpuMemoryBytes { get; init; }

    /// <summary>
    /// Run once for the winner (<c>test_command:</c>), in its run folder as it was at its best epoch, with placeholders as
    /// in <see cref="Command"/>; its report (<c>GRIDSEARCH_REPORT {"test_accuracy": 0.73}</c>) is the sweep's test.
    /// Null: no test.
    /// </summary>
    [Id(7)] public string[]? TestCommand { get; init; }
}

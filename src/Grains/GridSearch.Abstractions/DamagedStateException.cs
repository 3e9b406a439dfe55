namespace GridSearch.Abstractions;

/// <summary>
/// Durable state (a sweep's record, its winner, or a run's checkpoint) exists but cannot be read. Never a silent
/// fresh start: the message names the file or key and what to do.
/// </summary>
[GenerateSerializer, Alias("gridsearch.DamagedStateException")]
public sealed class DamagedStateException(string message) : Exception(message);

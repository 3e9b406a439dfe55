namespace GridSearch.Abstractions;

/// <summary>This trainer silo is shutting down; its work moves to another trainer.</summary>
[GenerateSerializer, Alias("gridsearch.SiloDrainingException")]
public sealed class SiloDrainingException() : Exception("this trainer silo is shutting down; the run moves to another trainer")
{
    /// <summary>The shutting-down silo's address, so that coordinators stop sending it work.</summary>
    [Id(0)] public string? Silo { get; init; }
}

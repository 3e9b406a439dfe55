namespace GridSearch.Abstractions;

/// <summary>
/// A fused group handed to one trainer slot: its width (rows, one per run of the group) and the runs to train now,
/// each with its row and its own assignment (attempt, epochs to train, epochs already recorded).
/// </summary>
[GenerateSerializer, Immutable, Alias("gridsearch.FusedAssignment")]
public sealed record FusedAssignment(
    [property: Id(0)] string SweepId,
    [property: Id(1)] string GroupId,
    [property: Id(2)] int Attempt,
    [property: Id(3)] int Width,
    [property: Id(4)] FusedLaneAssignment[] Lanes);

/// <summary>One run of a fused group, in its row.</summary>
[GenerateSerializer, Immutable, Alias("gridsearch.FusedLaneAssignment")]
public sealed record FusedLaneAssignment([property: Id(0)] int Row, [property: Id(1)] RunAssignment Run);

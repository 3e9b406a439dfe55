namespace GridSearch.Abstractions;

/// <summary>
/// Where a watcher left off: the coordinator activation that answered and how many rounds of changes it had counted.
/// A cursor from another activation (the coordinator moved or restarted) is answered with the whole sweep.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridsearch.SweepChangesCursor")]
public sealed record SweepChangesCursor([property: Id(0)] string Activation, [property: Id(1)] long Version);

/// <summary>
/// What a watcher needs since its cursor: the sweep's header (status, best, timings, messages) and only the cells
/// that changed, so following a 10,000-cell sweep costs what changes rather than what exists.
/// </summary>
/// <param name="Cursor">Where the next request continues from.</param>
/// <param name="Complete">True when <paramref name="Sweep"/> holds every cell (first request, or the cursor was not ours).</param>
/// <param name="Sweep">The sweep; its cells are every cell when complete, else those changed after the cursor.</param>
[GenerateSerializer, Immutable, Alias("gridsearch.SweepChanges")]
public sealed record SweepChanges(
    [property: Id(0)] SweepChangesCursor Cursor,
    [property: Id(1)] bool Complete,
    [property: Id(2)] SweepSnapshot Sweep);

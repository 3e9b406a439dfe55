using GridSearch.Abstractions;

namespace GridSearch.Coordinator;

/// <summary>
/// Slot accounting for one dispatch round: how many runs each active trainer may take and which trainer takes the
/// next run — the one with the most room. The coordinator hints Orleans' placement with that silo. A trainer may
/// take its slots' worth, or twice that while runs are short, so a queued run is ready when a slot frees up; but
/// only while more runs are pending than the cluster has slots. The last runs go to free slots only: queued
/// behind a busy slot they would finish up to a whole run after the others.
/// </summary>
public sealed class TrainerSlots
{
    private readonly List<Trainer> _trainers;
    private int _limit;

    public TrainerSlots(IEnumerable<(SiloAddress Silo, int Slots)> trainers, IEnumerable<RunRecord> running, bool shortRuns, int pending, int limit)
    {
        var outstanding = running.Where(r => r.SiloAddress is not null).GroupBy(r => r.SiloAddress!).ToDictionary(g => g.Key, g => g.Count());
        var known = trainers.ToList();
        bool queue = shortRuns && pending > known.Sum(t => t.Slots);
        _trainers = known.Select(t => new Trainer(t.Silo, (queue ? 2 : 1) * t.Slots,
            outstanding.GetValueOrDefault(t.Silo.ToParsableString()))).ToList();
        int runningNow = running.Count();
        _limit = limit > 0 ? Math.Max(0, limit - runningNow) : int.MaxValue;
    }

    /// <summary>Active trainers that take work (draining ones left out).</summary>
    public int Trainers => _trainers.Count;

    /// <summary>
    /// Runs that may be dispatched now. With no known trainer, one: a probe, since this silo's view of the cluster may
    /// lag; placement then either finds a trainer or says there is none, and the sweep waits.
    /// </summary>
    public int Free => Math.Min(_limit, _trainers.Count == 0 ? 1 : _trainers.Sum(t => Math.Max(0, t.Capacity - t.Outstanding)));

    /// <summary>The trainer with the most room, or null when none is known (placement then decides).</summary>
    public SiloAddress? Next() => _trainers.Where(t => t.Outstanding < t.Capacity)
        .OrderByDescending(t => t.Capacity - t.Outstanding).ThenBy(t => t.Outstanding).FirstOrDefault()?.Silo;

    /// <summary>Counts a dispatched run against the silo that took it.</summary>
    public void Took(string siloAddress)
    {
        _limit--;
        var trainer = _trainers.FirstOrDefault(t => t.Silo.ToParsableString() == siloAddress);
        if (trainer is not null)
        {
            trainer.Outstanding++;
        }
    }

    private sealed class Trainer(SiloAddress silo, int capacity, int outstanding)
    {
        public SiloAddress Silo { get; } = silo;

        public int Capacity { get; } = capacity;

        public int Outstanding { get; set; } = outstanding;
    }
}

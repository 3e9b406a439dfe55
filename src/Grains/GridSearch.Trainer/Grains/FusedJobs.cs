using GridSearch.Abstractions;
using System.Collections.Concurrent;

namespace GridSearch.Trainer.Grains;

/// <summary>
/// The fused groups this silo trains or has queued, by group key. Kept by the silo, not by the group's grain: a grain
/// may be deactivated while its work still runs on a slot, and the coordinator's questions must still find it.
/// </summary>
public sealed class FusedJobs
{
    private readonly ConcurrentDictionary<string, FusedJob> _jobs = new();

    internal void Add(string key, FusedJob job) => _jobs[key] = job;

    internal FusedJob? Find(string key) => _jobs.TryGetValue(key, out var job) ? job : null;

    internal void Remove(string key, FusedJob job) => _jobs.TryRemove(new KeyValuePair<string, FusedJob>(key, job));
}

using GridSearch.Abstractions;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GridSearch.Trainer.Execution;

/// <summary>
/// The silo's trainer slots: a fixed number of dedicated threads (one per GPU, or as configured on CPU) that run
/// queued work. Grains hand work here and return at once; nothing long ever runs inside a grain turn.
/// </summary>
public sealed partial class RunExecutor : IDisposable
{
    private readonly BlockingCollection<SlotWork> _queue = new();
    private readonly ConcurrentDictionary<string, SlotWork> _active = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Thread[] _threads;
    private readonly SlotWork?[] _current;
    private readonly ILogger<RunExecutor> _logger;
    private int _busy;

    public RunExecutor(IOptions<TrainerSiloOptions> options, ILogger<RunExecutor> logger)
    {
        _logger = logger;
        // A silo that does not train (a gateway) keeps no slot threads.
        Slots = options.Value.Enabled ? options.Value.EffectiveSlots : 0;
        _current = new SlotWork?[Slots];
        _threads = Enumerable.Range(0, Slots).Select(slot => new Thread(() => RunSlot(slot))
        {
            IsBackground = true,
            Name = $"gridsearch-slot-{slot}",
        }).ToArray();
        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    public int Slots { get; }

    public int Busy => Volatile.Read(ref _busy);

    public int Queued => _queue.Count;

    /// <summary>Runs training on this silo's slots right now: one per busy slot, or a fused group's runs still in it.</summary>
    public int RunsInFlight => _current.Sum(work => work is null ? 0 : work.RunsInFlight?.Invoke() ?? 1);

    /// <summary>Set when the silo shuts down: running runs stop after their current epoch, queued ones give way.</summary>
    public bool Draining { get; private set; }

    /// <summary>
    /// Lets running runs finish and checkpoint their current epoch, then cancels whatever still runs after
    /// <paramref name="timeout"/> (it resumes elsewhere from its last checkpoint).
    /// </summary>
    public async Task DrainAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        Draining = true;
        LogDraining(_active.Count, timeout.TotalSeconds);
        var deadline = DateTime.UtcNow + timeout;
        while (!_active.IsEmpty && DateTime.UtcNow < deadline && !cancellation.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
        }

        foreach (var item in _active.Values)
        {
            item.Cancellation.Cancel();
        }

        LogDrained(Busy);
    }

    /// <summary>
    /// Queues work under a key and attempt number; it replaces (cancels) earlier work with the same key, and
    /// <see cref="Cancel"/> with the key cancels it, queued or running.
    /// </summary>
    /// <param name="work">
    /// Runs on a slot thread; the task it returns is work that finishes without the slot (reports in flight). The
    /// key stays active until that task completes, but the slot takes its next work at once.
    /// </param>
    /// <param name="runsInFlight">How many runs the work trains at the moment (a fused group's); null: one.</param>
    public void Submit(string key, int attempt, Func<CancellationToken, Task> work, Func<int>? runsInFlight = null)
    {
        var item = new SlotWork(key, attempt, work, CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token), runsInFlight);
        if (_active.TryRemove(key, out var previous))
        {
            previous.Cancellation.Cancel();
        }

        _active[key] = item;
        _queue.Add(item);
    }

    /// <summary>Cancels the work with this key; true if there was any.</summary>
    public bool Cancel(string key)
    {
        if (!_active.TryGetValue(key, out var item))
        {
            return false;
        }

        item.Cancellation.Cancel();
        return true;
    }

    /// <summary>Whether this attempt of the keyed work is queued or running here (and not cancelled).</summary>
    public bool IsActive(string key, int attempt) =>
        _active.TryGetValue(key, out var item) && item.Attempt == attempt && !item.Cancellation.IsCancellationRequested;

    private void RunSlot(int slot)
    {
        try
        {
            foreach (var item in _queue.GetConsumingEnumerable(_shutdown.Token))
            {

                Interlocked.Increment(ref _busy);
                Volatile.Write(ref _current[slot], item);
                Task trailing;
                try
                {
                    trailing = item.Work(item.Cancellation.Token);
                }
                catch (Exception error)
                {
                    trailing = Task.FromException(error);
                }
                finally
                {
                    Volatile.Write(ref _current[slot], null);
                    Interlocked.Decrement(ref _busy);
                }

                _ = trailing.ContinueWith(done =>
                {
                    if (done.Exception is { } error)
                    {
                        // Work reports its own failures; anything reaching here is a bug worth a log line, not a dead slot.
                        LogUnhandled(item.Key, error);
                    }

                    _active.TryRemove(new KeyValuePair<string, SlotWork>(item.Key, item));
                    item.Cancellation.Dispose();
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
        }
    }

    public void Dispose()
    {
        _shutdown.Cancel();
        _queue.CompleteAdding();
        foreach (var thread in _threads)
        {
            thread.Join(TimeSpan.FromSeconds(30));
        }

        _shutdown.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Draining the trainer slots for shutdown: {Active} piece(s) of work finish their epoch and checkpoint (waiting up to {Seconds} s)")]
    private partial void LogDraining(int active, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Trainer slots drained for shutdown ({Busy} still stopping)")]
    private partial void LogDrained(int busy);

    [LoggerMessage(Level = LogLevel.Error, Message = "Trainer slot work {Key} failed unexpectedly")]
    private partial void LogUnhandled(string key, Exception error);

    private sealed record SlotWork(string Key, int Attempt, Func<CancellationToken, Task> Work, CancellationTokenSource Cancellation,
        Func<int>? RunsInFlight);
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GridSearch.Grains.Execution;

/// <summary>
/// The silo's trainer slots: a fixed number of dedicated threads (one per GPU, or as configured on CPU) that run
/// queued work. Grains hand work here and return at once; nothing long ever runs inside a grain turn.
/// </summary>
public sealed partial class TrialExecutor : IDisposable
{
    private readonly BlockingCollection<SlotWork> _queue = new();
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _cancellations = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Thread[] _threads;
    private readonly ILogger<TrialExecutor> _logger;
    private int _busy;

    public TrialExecutor(IOptions<TrainerSiloOptions> options, ILogger<TrialExecutor> logger)
    {
        _logger = logger;
        Slots = options.Value.EffectiveSlots;
        _threads = Enumerable.Range(0, Slots).Select(slot => new Thread(RunSlot)
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

    /// <summary>Queues work under a key; <see cref="Cancel"/> with the same key cancels it, queued or running.</summary>
    public void Submit(string key, Action<CancellationToken> work)
    {
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
        if (_cancellations.TryRemove(key, out var previous))
        {
            previous.Cancel();
        }

        _cancellations[key] = cancellation;
        _queue.Add(new SlotWork(key, work, cancellation));
    }

    /// <summary>Cancels the work with this key; true if there was any.</summary>
    public bool Cancel(string key)
    {
        if (!_cancellations.TryGetValue(key, out var cancellation))
        {
            return false;
        }

        cancellation.Cancel();
        return true;
    }

    private void RunSlot()
    {
        try
        {
            foreach (var item in _queue.GetConsumingEnumerable(_shutdown.Token))
            {
                Interlocked.Increment(ref _busy);
                try
                {
                    item.Work(item.Cancellation.Token);
                }
                catch (Exception error)
                {
                    // Work reports its own failures; anything reaching here is a bug worth a log line, not a dead slot.
                    LogUnhandled(item.Key, error);
                }
                finally
                {
                    Interlocked.Decrement(ref _busy);
                    _cancellations.TryRemove(new KeyValuePair<string, CancellationTokenSource>(item.Key, item.Cancellation));
                    item.Cancellation.Dispose();
                }
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Trainer slot work {Key} failed unexpectedly")]
    private partial void LogUnhandled(string key, Exception error);

    private sealed record SlotWork(string Key, Action<CancellationToken> Work, CancellationTokenSource Cancellation);
}

namespace GridSearch.Trainer.Execution;

/// <summary>
/// The lock of a shared resource that work waits for (device memory, GPUs): a waiter sleeps until a release or its own
/// cancellation wakes it, then tries again. Every change to the resource's books goes through <see cref="Enter{T}"/>,
/// <see cref="Leave"/> or <see cref="Read{T}"/>, under the one lock.
/// </summary>
public sealed class WaitingRoom
{
    private readonly object _gate = new();
    private int _waiting;

    /// <summary>Work waiting now.</summary>
    public int Waiting => Read(() => _waiting);

    /// <summary>
    /// Calls <paramref name="take"/> under the lock until it takes what the work needs (a non-null answer), sleeping
    /// between tries until something is released.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled before anything was taken.</exception>
    public T Enter<T>(Func<T?> take, CancellationToken cancellation) where T : class
    {
        using var wake = cancellation.Register(() => Leave(() => { }));
        lock (_gate)
        {
            _waiting++;
            try
            {
                while (true)
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (take() is { } taken)
                    {
                        return taken;
                    }

                    Monitor.Wait(_gate);
                }
            }
            finally
            {
                _waiting--;
            }
        }
    }

    /// <summary>Gives back under the lock (<paramref name="release"/>) and wakes every waiter to try again.</summary>
    public void Leave(Action release)
    {
        lock (_gate)
        {
            release();
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Reads the books under the lock.</summary>
    public T Read<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }
}

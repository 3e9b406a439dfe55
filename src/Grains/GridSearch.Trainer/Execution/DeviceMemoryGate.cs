namespace GridSearch.Trainer.Execution;

/// <summary>
/// Packs a GPU: work reserves its estimated device bytes before it trains and gives them back when it ends, and waits
/// while the reservations already held leave too little of the budget. So a trainer silo with several slots on one
/// GPU trains as many runs and fused groups at once as its memory holds, and never more. Work larger than the whole
/// budget still trains, alone, rather than never.
/// </summary>
public sealed class DeviceMemoryGate(long budgetBytes)
{
    private readonly object _gate = new();
    private long _reserved;
    private int _holders;
    private int _waiting;

    /// <summary>Bytes the gate hands out at once.</summary>
    public long BudgetBytes { get; } = budgetBytes;

    /// <summary>Bytes reserved by work training now.</summary>
    public long ReservedBytes
    {
        get
        {
            lock (_gate)
            {
                return _reserved;
            }
        }
    }

    /// <summary>Work waiting for its bytes to fit.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting;
            }
        }
    }

    /// <summary>
    /// Waits until the bytes fit beside the reservations held (or nothing else is held), then reserves them until the
    /// returned reservation is disposed.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled while waiting; nothing is reserved.</exception>
    public IDisposable Reserve(long bytes, CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        using var wake = cancellation.Register(() =>
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        });
        lock (_gate)
        {
            _waiting++;
            try
            {
                while (_holders > 0 && _reserved + bytes > BudgetBytes)
                {
                    cancellation.ThrowIfCancellationRequested();
                    Monitor.Wait(_gate);
                }
            }
            finally
            {
                _waiting--;
            }

            cancellation.ThrowIfCancellationRequested();
            _reserved += bytes;
            _holders++;
        }

        return new Reservation(this, bytes);
    }

    private void Release(long bytes)
    {
        lock (_gate)
        {
            _reserved -= bytes;
            _holders--;
            Monitor.PulseAll(_gate);
        }
    }

    private sealed class Reservation(DeviceMemoryGate gate, long bytes) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                gate.Release(bytes);
            }
        }
    }
}

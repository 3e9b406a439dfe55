namespace GridSearch.Trainer.Execution;

/// <summary>
/// Packs a GPU: work reserves its estimated device bytes before it trains and gives them back when it ends, and waits
/// while the reservations already held leave too little of the budget. So a trainer silo with several slots on one
/// GPU trains as many runs and fused groups at once as its memory holds, and never more. Work larger than the whole
/// budget still trains, alone, rather than never.
/// </summary>
public sealed class DeviceMemoryGate(long budgetBytes)
{
    private readonly WaitingRoom _room = new();
    private long _reserved;
    private int _holders;

    /// <summary>Bytes the gate hands out at once.</summary>
    public long BudgetBytes { get; } = budgetBytes;

    /// <summary>Bytes reserved by work training now.</summary>
    public long ReservedBytes => _room.Read(() => _reserved);

    /// <summary>Work waiting for its bytes to fit.</summary>
    public int Waiting => _room.Waiting;

    /// <summary>
    /// Waits until the bytes fit beside the reservations held (or nothing else is held), then reserves them until the
    /// returned reservation is disposed.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled while waiting; nothing is reserved.</exception>
    public IDisposable Reserve(long bytes, CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        return _room.Enter(() =>
        {
            if (_holders > 0 && _reserved + bytes > BudgetBytes)
            {
                return null;
            }

            _reserved += bytes;
            _holders++;
            return new Reservation(this, bytes);
        }, cancellation);
    }

    private void Release(long bytes) => _room.Leave(() =>
    {
        _reserved -= bytes;
        _holders--;
    });

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

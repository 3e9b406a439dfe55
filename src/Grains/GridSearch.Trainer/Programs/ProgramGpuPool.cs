using GridSearch.Trainer.Execution;

namespace GridSearch.Trainer.Programs;

/// <summary>One GPU a trainer hands to programs: its CUDA_VISIBLE_DEVICES id, and the bytes runs may reserve on it (null: unknown).</summary>
public sealed record ProgramGpu(string Id, long? CapacityBytes);

/// <summary>
/// The GPUs a trainer hands to running programs. A run asking for <c>gpus: N</c> waits until N devices are free and
/// gets them to itself; with <c>gpu_memory:</c> it only reserves that many bytes on each, so several small runs share a
/// device while their reservations fit its capacity (a device whose capacity is unknown is never shared). The devices
/// a run gets go to its program as CUDA_VISIBLE_DEVICES, so no two programs train on the same device unplanned.
/// </summary>
public sealed class ProgramGpuPool(IReadOnlyList<ProgramGpu> devices)
{
    private readonly WaitingRoom _room = new();
    private readonly long[] _reserved = new long[devices.Count];
    private readonly int[] _sharers = new int[devices.Count];
    private readonly bool[] _exclusive = new bool[devices.Count];

    public IReadOnlyList<ProgramGpu> Devices => devices;

    /// <summary>Runs waiting for devices.</summary>
    public int Waiting => _room.Waiting;

    /// <summary>
    /// Waits until <paramref name="count"/> devices are free (or, with <paramref name="bytesPerDevice"/>, have that
    /// much of their capacity unreserved), takes them, and gives them back when the lease is disposed. Devices are
    /// taken lowest id first, so the same load gets the same devices.
    /// </summary>
    /// <exception cref="ProgramFailedException">The run asks for more than this trainer has: it would wait forever.</exception>
    /// <exception cref="OperationCanceledException">Cancelled while waiting; nothing is taken.</exception>
    public Lease Acquire(int count, long? bytesPerDevice, CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
        {
            return new Lease(this, [], null);
        }

        if (Unfit(count, bytesPerDevice) is { } problem)
        {
            throw new ProgramFailedException(problem);
        }

        return _room.Enter(() =>
        {
            if (Choose(count, bytesPerDevice) is not { } chosen)
            {
                return null;
            }

            foreach (int device in chosen)
            {
                if (bytesPerDevice is { } bytes && devices[device].CapacityBytes is not null)
                {
                    _reserved[device] += bytes;
                    _sharers[device]++;
                }
                else
                {
                    _exclusive[device] = true;
                }
            }

            return new Lease(this, chosen, bytesPerDevice);
        }, cancellation);
    }

    private string? Unfit(int count, long? bytesPerDevice)
    {
        if (devices.Count == 0)
        {
            return $"the run asks for {count} GPU(s) (gpus: {count}), and this trainer hands programs none: it found no GPU, or its " +
                   "operator listed none (GridSearch:Trainer:ProgramGpus); run the sweep where GPUs are, or leave gpus out to train on CPU";
        }

        if (count > devices.Count)
        {
            return $"the run asks for {count} GPUs (gpus: {count}), and this trainer hands programs {devices.Count} " +
                   $"({string.Join(", ", devices.Select(d => d.Id))}); ask for at most {devices.Count}";
        }

        if (bytesPerDevice is { } bytes && devices.Count(d => d.CapacityBytes is not { } capacity || capacity >= bytes) < count)
        {
            return $"the run reserves {Gib(bytes)} on each GPU (gpu_memory), more than this trainer's devices hold " +
                   $"({string.Join(", ", devices.Select(d => $"{d.Id}: {(d.CapacityBytes is { } c ? Gib(c) : "unknown")}"))}); lower gpu_memory";
        }

        return null;
    }

    // The lowest-numbered devices that can take the run now, or null while too few can.
    private int[]? Choose(int count, long? bytesPerDevice)
    {
        var chosen = new List<int>(count);
        for (int device = 0; device < devices.Count && chosen.Count < count; device++)
        {
            if (CanTake(device, bytesPerDevice))
            {
                chosen.Add(device);
            }
        }

        return chosen.Count == count ? [.. chosen] : null;
    }

    private bool CanTake(int device, long? bytesPerDevice)
    {
        if (_exclusive[device])
        {
            return false;
        }

        return bytesPerDevice is { } bytes && devices[device].CapacityBytes is { } capacity
            ? _reserved[device] + bytes <= capacity
            : _sharers[device] == 0;
    }

    private void Release(int[] taken, long? bytesPerDevice) => _room.Leave(() =>
    {
        foreach (int device in taken)
        {
            if (bytesPerDevice is { } bytes && devices[device].CapacityBytes is not null)
            {
                _reserved[device] -= bytes;
                _sharers[device]--;
            }
            else
            {
                _exclusive[device] = false;
            }
        }
    });

    /// <summary>
    /// What a program's CUDA_VISIBLE_DEVICES is set to: the devices it holds; none (empty) for a run that asked for no
    /// GPU where this trainer hands devices out, so it cannot train on another run's device, unless the sweep chose its
    /// devices itself (env: CUDA_VISIBLE_DEVICES); null (left as it is) where the trainer hands out none.
    /// </summary>
    public string? VisibleDevicesFor(GridSearch.Abstractions.ProgramSpec program, Lease lease) =>
        program.Gpus > 0 ? lease.VisibleDevices
        : devices.Count > 0 && !program.Environment.ContainsKey(ProgramGpuDiscovery.VisibleDevicesVariable) ? ""
        : null;

    private static string Gib(long bytes) => $"{bytes / (double)(1L << 30):0.##} GiB";

    /// <summary>The devices a run holds until disposed; <see cref="VisibleDevices"/> is what CUDA_VISIBLE_DEVICES gets.</summary>
    public sealed class Lease(ProgramGpuPool owner, int[] taken, long? bytesPerDevice) : IDisposable
    {
        private int _disposed;

        public IReadOnlyList<string> Ids { get; } = [.. taken.Select(i => owner.Devices[i].Id)];

        /// <summary>The devices' ids, comma-separated; empty for a run with no GPU, which then sees none.</summary>
        public string VisibleDevices => string.Join(',', Ids);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0 && taken.Length > 0)
            {
                owner.Release(taken, bytesPerDevice);
            }
        }
    }
}

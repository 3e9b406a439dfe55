using GridSearch.Abstractions;
using GridSearch.Training.Model;
using GridSearch.Training.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GridSearch.Trainer.Execution;

/// <summary>
/// How much training this silo's device holds at once. On a GPU trainer the budget is the device's free memory when
/// the silo starts (NVML), less headroom for the CUDA context and the data sets on the device, or the configured
/// <see cref="TrainerSiloOptions.DeviceMemoryBudget"/>; every run and fused group reserves its
/// <see cref="DeviceMemoryEstimate"/> before it trains, so the slots train as many cells at once as fit, and automatic
/// fused groups are made as wide as fit. A CPU trainer has no budget unless one is configured.
/// </summary>
public sealed partial class DevicePacking
{
    /// <summary>Of the free memory measured at start, the share training may use (the rest absorbs fragmentation).</summary>
    public const double FreeShare = 0.9;

    /// <summary>Kept back from the measured free memory: the CUDA context, libraries' handles and data sets on the device.</summary>
    public const long Headroom = 1L << 30;

    private static readonly IDisposable Unreserved = new Nothing();

    public DevicePacking(IOptions<TrainerSiloOptions> options, ILogger<DevicePacking> logger)
    {
        var trainer = options.Value;
        if (!trainer.Enabled || trainer.SimulatedTrialDuration is not null)
        {
            return;
        }

        OnGpu = TorchDevices.MeansGpu(trainer.Device);
        long? budget = trainer.DeviceMemoryBudget > 0 ? trainer.DeviceMemoryBudget
            : OnGpu ? Measured(trainer.Device) : null;
        if (budget is { } bytes)
        {
            Gate = new DeviceMemoryGate(bytes);
            LogBudget(logger, bytes / (double)(1L << 30), trainer.DeviceMemoryBudget > 0 ? "configured" : "measured free memory less headroom");
        }
        else if (OnGpu)
        {
            // Unmeasured, the GPU trains one piece of work at a time (anything exceeds a budget of 0 and trains alone).
            Gate = new DeviceMemoryGate(0);
            LogNotMeasured(logger, trainer.Device);
        }
    }

    /// <summary>Whether this silo trains on a GPU.</summary>
    public bool OnGpu { get; }

    /// <summary>The budget's gate, or null where training is not packed by memory (CPU trainers by default).</summary>
    public DeviceMemoryGate? Gate { get; }

    /// <summary>The bytes automatic fused groups are sized to; null where nothing is measured or configured.</summary>
    public long? BudgetBytes => Gate is { BudgetBytes: > 0 } gate ? gate.BudgetBytes : null;

    /// <summary>Reserves the work's bytes, waiting while they do not fit beside the work training now (see <see cref="DeviceMemoryGate"/>).</summary>
    public IDisposable Reserve(long bytes, CancellationToken cancellation) => Gate?.Reserve(bytes, cancellation) ?? Unreserved;

    /// <summary>The budget NVML's free memory gives for the configured device, or null without NVML.</summary>
    private static long? Measured(string? device)
    {
        if (NvmlDeviceMemory.TryOpen() is not { } nvml || nvml.FreeBytes(IndexOf(device)) is not { } free)
        {
            return null;
        }

        return Math.Max(0, (long)(free * FreeShare) - Headroom);
    }

    /// <summary>cuda:N → N; cuda and auto → 0.</summary>
    private static int IndexOf(string? device)
    {
        string name = device?.Trim().ToLowerInvariant() ?? "";
        int colon = name.IndexOf(':');
        return colon >= 0 && int.TryParse(name[(colon + 1)..], out int index) ? index : 0;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Training work on this silo is packed into {GiB:F1} GiB of device memory ({Source})")]
    private static partial void LogBudget(ILogger logger, double giB, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {Device}: NVML cannot say how much GPU memory is free, so one run or fused group trains at a time; set GridSearch:Trainer:DeviceMemoryBudget to pack more")]
    private static partial void LogNotMeasured(ILogger logger, string device);

    private sealed class Nothing : IDisposable
    {
        public void Dispose()
        {
        }
    }
}

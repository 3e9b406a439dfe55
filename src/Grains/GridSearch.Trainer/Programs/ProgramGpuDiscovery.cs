using System.Globalization;
using GridSearch.Trainer.Execution;

namespace GridSearch.Trainer.Programs;

/// <summary>Which GPUs a trainer hands to programs, and how much of each a run may reserve (see <see cref="TrainerSiloOptions.ProgramGpus"/>).</summary>
public static class ProgramGpuDiscovery
{
    public const string VisibleDevicesVariable = "CUDA_VISIBLE_DEVICES";

    /// <param name="ownVisibleDevices">This silo's own CUDA_VISIBLE_DEVICES (a container's share of the machine's GPUs).</param>
    public static IReadOnlyList<ProgramGpu> Find(TrainerSiloOptions options, string? ownVisibleDevices, Func<NvmlDeviceMemory?> openNvml)
    {
        if (!options.Enabled || options.ProgramGpus is ["none"])
        {
            return [];
        }

        var nvml = openNvml();
        IEnumerable<string> ids = options.ProgramGpus.Count > 0 ? options.ProgramGpus
            : !string.IsNullOrWhiteSpace(ownVisibleDevices) ? ownVisibleDevices.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : Enumerable.Range(0, nvml?.DeviceCount ?? 0).Select(i => i.ToString(CultureInfo.InvariantCulture));
        return [.. ids.Select(id => new ProgramGpu(id.Trim(), Capacity(options, nvml, id)))];
    }

    // The configured device budget, else what NVML says is free on the device less headroom; unknown for ids NVML cannot number.
    private static long? Capacity(TrainerSiloOptions options, NvmlDeviceMemory? nvml, string id)
    {
        if (options.DeviceMemoryBudget > 0)
        {
            return options.DeviceMemoryBudget;
        }

        return nvml is not null && int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out int index) && nvml.FreeBytes(index) is { } free
            ? Math.Max(0, (long)(free * DevicePacking.FreeShare) - DevicePacking.Headroom)
            : null;
    }
}

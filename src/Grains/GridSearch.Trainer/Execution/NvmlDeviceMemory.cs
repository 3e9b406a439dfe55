using GridSearch.Abstractions;
using System.Runtime.InteropServices;

namespace GridSearch.Trainer.Execution;

/// <summary>
/// GPU memory in use and free, read through NVML (libnvidia-ml, which the NVIDIA container runtime mounts with the
/// <c>utility</c> driver capability). TorchSharp exposes no allocator statistics, and NVML also sees memory that
/// other processes on the GPU hold. Absent on machines without an NVIDIA driver: <see cref="TryOpen"/> returns null.
/// </summary>
public sealed partial class NvmlDeviceMemory
{
    private const string Library = "libnvidia-ml.so.1";
    private readonly object _gate = new();

    private NvmlDeviceMemory(int devices) => DeviceCount = devices;

    public int DeviceCount { get; }

    public static NvmlDeviceMemory? TryOpen()
    {
        try
        {
            if (nvmlInit_v2() != 0 || nvmlDeviceGetCount_v2(out uint count) != 0 || count == 0)
            {
                return null;
            }

            return new NvmlDeviceMemory((int)count);
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return null;
        }
    }

    /// <summary>Bytes in use on the device, or null when NVML cannot say.</summary>
    public long? UsedBytes(int device) => Read(device) is { } memory ? (long)memory.Used : null;

    /// <summary>Bytes free on the device (what no process holds), or null when NVML cannot say.</summary>
    public long? FreeBytes(int device) => Read(device) is { } memory ? (long)memory.Free : null;

    private (ulong Used, ulong Free)? Read(int device)
    {
        lock (_gate)
        {
            if (nvmlDeviceGetHandleByIndex_v2((uint)device, out IntPtr handle) != 0)
            {
                return null;
            }

            // Version 2 leaves out the memory the driver reserves (as nvidia-smi does); older drivers only have v1.
            try
            {
                var memory = new NvmlMemoryV2 { Version = NvmlMemoryV2.Version2 };
                if (nvmlDeviceGetMemoryInfo_v2(handle, ref memory) == 0)
                {
                    return (memory.Used, memory.Free);
                }
            }
            catch (EntryPointNotFoundException)
            {
            }

            return nvmlDeviceGetMemoryInfo(handle, out var legacy) == 0 ? (legacy.Used, legacy.Free) : null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NvmlMemory
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NvmlMemoryV2
    {
        public const uint Version2 = 40 | (2u << 24); // sizeof(nvmlMemory_v2_t) | version 2

        public uint Version;
        public ulong Total;
        public ulong Reserved;
        public ulong Free;
        public ulong Used;
    }

    [LibraryImport(Library)]
    private static partial int nvmlDeviceGetMemoryInfo_v2(IntPtr device, ref NvmlMemoryV2 memory);

    [LibraryImport(Library)]
    private static partial int nvmlInit_v2();

    [LibraryImport(Library)]
    private static partial int nvmlDeviceGetCount_v2(out uint count);

    [LibraryImport(Library)]
    private static partial int nvmlDeviceGetHandleByIndex_v2(uint index, out IntPtr device);

    [LibraryImport(Library)]
    private static partial int nvmlDeviceGetMemoryInfo(IntPtr device, out NvmlMemory memory);
}

using System.Runtime.InteropServices;
using TorchSharp;

namespace GridSearch.Training.Runtime;

/// <summary>
/// What libtorch actually runs with, read back from libtorch itself: the kernel level its dispatcher chose
/// (<c>at::get_cpu_capability()</c>) and MKL's conditional-numerical-reproducibility branch (<c>mkl_serv_cbwr_get</c>).
/// Proves that <see cref="CpuNumerics.Pin"/> took effect rather than trusting the environment.
/// </summary>
/// <param name="Kernels">libtorch's CPU kernel level: <c>default</c>, <c>avx2</c>, <c>avx512</c> on x86-64.</param>
/// <param name="MklBranch">MKL's code branch (for example <c>AVX2</c>), <c>AUTO</c> when not pinned, or null without MKL.</param>
public sealed record NumericsInEffect(string Kernels, string? MklBranch)
{
    // mkl_cbwr.h: MKL_CBWR_BRANCH selects the branch; the values below are its branch constants.
    private const int MklCbwrBranch = 1;
    private static readonly Dictionary<int, string> MklBranches = new()
    {
        [0] = "OFF", [2] = "AUTO", [3] = "COMPATIBLE", [4] = "SSE2", [6] = "SSSE3", [7] = "SSE4_1", [8] = "SSE4_2",
        [9] = "AVX", [10] = "AVX2", [11] = "AVX512_MIC", [12] = "AVX512", [13] = "AVX512_MIC_E1", [14] = "AVX512_E1",
    };

    // std::string at::get_cpu_capability(): returned through a hidden result pointer (the x86-64 SysV C++ ABI).
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr StringReturning(IntPtr result);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int MklCbwrGet(int option);

    /// <summary>Reads the numerics libtorch runs with in this process (loading libtorch if it is not yet).</summary>
    /// <exception cref="PlatformNotSupportedException">Not Linux on x86-64, where these entry points exist.</exception>
    public static NumericsInEffect Read()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            throw new PlatformNotSupportedException("Reading libtorch's numerics needs Linux on x86-64.");
        }

        // One matrix product: MKL reads its settings when it is first used.
        using (var a = torch.ones(8, 8))
        using (var product = a.mm(a))
        {
        }

        string path = File.ReadLines("/proc/self/maps")
            .Select(line => line[(line.IndexOf('/') is var i and >= 0 ? i : line.Length)..])
            .First(file => file.EndsWith("/libtorch_cpu.so", StringComparison.Ordinal));
        IntPtr library = NativeLibrary.Load(path);
        return new NumericsInEffect(KernelLevel(library), ReadMklBranch(library));
    }

    private static string KernelLevel(IntPtr library)
    {
        var getCapability = Marshal.GetDelegateForFunctionPointer<StringReturning>(
            NativeLibrary.GetExport(library, "_ZN2at18get_cpu_capabilityB5cxx11Ev"));
        // libstdc++'s std::string: data pointer, length, 16-byte inline buffer. The level names fit the inline
        // buffer, so nothing is allocated that would need freeing.
        IntPtr result = Marshal.AllocHGlobal(32);
        try
        {
            getCapability(result);
            IntPtr data = Marshal.ReadIntPtr(result);
            long length = Marshal.ReadInt64(result, 8);
            return Marshal.PtrToStringUTF8(data, checked((int)length));
        }
        finally
        {
            Marshal.FreeHGlobal(result);
        }
    }

    private static string? ReadMklBranch(IntPtr library)
    {
        if (!NativeLibrary.TryGetExport(library, "mkl_serv_cbwr_get", out IntPtr export))
        {
            return null;
        }

        int branch = Marshal.GetDelegateForFunctionPointer<MklCbwrGet>(export)(MklCbwrBranch);
        return MklBranches.TryGetValue(branch, out string? name) ? name : branch.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

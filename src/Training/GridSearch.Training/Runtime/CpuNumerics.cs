using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace GridSearch.Training.Runtime;

/// <summary>How a process's CPU numerics are chosen.</summary>
public enum NumericsMode
{
    /// <summary>
    /// The same numbers on every x86-64 CPU with AVX2 (Intel or AMD, with or without AVX-512): libtorch's kernels and
    /// oneDNN's instruction set are pinned to AVX2, MKL to its conditional-reproducibility branch that is the same on
    /// every vendor's processors. The default.
    /// </summary>
    Portable,

    /// <summary>The machine's own fastest kernels: numbers may differ in the last bits between CPUs.</summary>
    Fast,
}

/// <summary>
/// Pins the CPU numerics of libtorch before it loads. libtorch picks its vectorised kernels by the CPU's level
/// (ATEN_CPU_CAPABILITY, read at its first dispatch), MKL picks a code path per CPU and, without conditional numerical
/// reproducibility (MKL_CBWR, read when MKL starts), may give different results for the same inputs depending on memory
/// alignment; oneDNN (the convolutions) picks its instruction set (ONEDNN_MAX_CPU_ISA, read when it starts). All three
/// are read from the process environment by native code, so they are set with libc's <c>setenv</c> (.NET's
/// <see cref="Environment.SetEnvironmentVariable(string, string?)"/> changes only its own copy) before libtorch loads.
/// </summary>
public static partial class CpuNumerics
{
    /// <summary>The environment variable that chooses the mode (<c>portable</c> or <c>fast</c>).</summary>
    public const string Variable = "GRIDSEARCH_NUMERICS";

    /// <summary>The settings portable numerics impose, whatever the environment says.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> PortableSettings { get; } =
    [
        new("ATEN_CPU_CAPABILITY", "avx2"),
        // COMPATIBLE, not AVX2: MKL honours an instruction-set branch only on Intel processors (on AMD it keeps AUTO,
        // checked with mkl_serv_cbwr_get), and COMPATIBLE is the one branch it documents as giving the same results on
        // Intel and non-Intel processors alike.
        new("MKL_CBWR", "COMPATIBLE"),
        new("ONEDNN_MAX_CPU_ISA", "AVX2"),
    ];

    private static readonly Lock Gate = new();

    /// <summary>The mode pinned in this process, once <see cref="Pin"/> ran.</summary>
    public static NumericsMode? Pinned { get; private set; }

    /// <summary>Whether this CPU can run the portable kernels (x86-64 with AVX2 and FMA).</summary>
    public static bool CpuSupportsPortableKernels => Avx2.IsSupported && Fma.IsSupported;

    /// <summary>Reads a mode as users write it; null or empty means the default, portable.</summary>
    /// <exception cref="NumericsSettingException">Not a mode; the message names <paramref name="source"/>.</exception>
    public static NumericsMode Parse(string? text, string source) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "portable" => NumericsMode.Portable,
        "fast" => NumericsMode.Fast,
        _ => throw new NumericsSettingException(
            $"{source} is '{text}', which is not a numerics mode: use portable (the default: the same numbers on every " +
            "x86-64 CPU with AVX2) or fast (this machine's fastest kernels, numbers not portable)."),
    };

    /// <summary>
    /// Pins the mode for this process. Call it before anything loads libtorch; calling it again with the same mode
    /// does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another mode is pinned already, or libtorch was loaded first.</exception>
    public static void Pin(NumericsMode mode)
    {
        lock (Gate)
        {
            if (Pinned == mode)
            {
                return;
            }

            if (Pinned is { } other)
            {
                throw new InvalidOperationException($"CPU numerics are pinned to {other} in this process; they cannot change to {mode}.");
            }

            // A CPU without AVX2 (or not x86-64) cannot run the pinned kernels; it runs its own, and callers say so.
            if (mode == NumericsMode.Portable && OperatingSystem.IsLinux() && CpuSupportsPortableKernels)
            {
                if (LibTorchLoaded())
                {
                    throw new InvalidOperationException("CPU numerics must be pinned before libtorch loads: call CpuNumerics.Pin first.");
                }

                foreach (var (name, value) in PortableSettings)
                {
                    if (SetNativeEnvironment(name, value, overwrite: 1) != 0)
                    {
                        throw new InvalidOperationException($"setenv({name}) failed with errno {Marshal.GetLastPInvokeError()}.");
                    }

                    // Child processes started from .NET take the managed copy.
                    Environment.SetEnvironmentVariable(name, value);
                }
            }

            Pinned = mode;
        }
    }

    /// <summary>Pins the mode <see cref="Variable"/> names (portable when unset).</summary>
    public static void PinFromEnvironment() => Pin(Parse(Environment.GetEnvironmentVariable(Variable), Variable));

    private static bool LibTorchLoaded()
    {
        try
        {
            return File.ReadLines("/proc/self/maps").Any(line => line.Contains("libtorch_cpu.so", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SetNativeEnvironment(string name, string value, int overwrite);
}

/// <summary>A numerics setting that is not a mode; the message says which setting and what to write.</summary>
public sealed class NumericsSettingException(string message) : Exception(message);

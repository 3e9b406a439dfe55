using System.Runtime.CompilerServices;

namespace GridSearch.Tests;

/// <summary>
/// Test assemblies that train in-process pin the CPU numerics as the tool and the silo do, before any test touches
/// libtorch: their numbers are then the tool's numbers on every x86-64 CPU with AVX2.
/// </summary>
internal static class PinnedNumerics
{
    [ModuleInitializer]
    internal static void Pin() => GridSearch.Training.Runtime.CpuNumerics.PinFromEnvironment();
}

using GridSearch.Training.Runtime;

namespace GridSearch.Training.Tests;

/// <summary>The pinned numerics as libtorch itself reports them, and how users write the mode.</summary>
public sealed class CpuNumericsTests
{
    [Fact]
    public void Pinned_InATestProcess_LibTorchReportsAvx2KernelsAndMklsCompatibleBranch()
    {
        // The test assembly pins portable numerics when it loads (tests/PinnedNumerics.cs), whatever the environment
        // of the machine running it says.
        Assert.Equal(NumericsMode.Portable, CpuNumerics.Pinned);

        var inEffect = NumericsInEffect.Read();

        Assert.True(CpuNumerics.CpuSupportsPortableKernels, "the machines that run this suite are x86-64 with AVX2");
        Assert.Equal("avx2", inEffect.Kernels, ignoreCase: true);
        Assert.Equal("COMPATIBLE", inEffect.MklBranch);
    }

    [Fact]
    public void Pin_ToAnotherModeOnceOneIsPinned_IsRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CpuNumerics.Pin(NumericsMode.Fast));

        Assert.Contains("cannot change", error.Message);
    }

    [Theory]
    [InlineData(null, NumericsMode.Portable)]
    [InlineData("", NumericsMode.Portable)]
    [InlineData(" Portable ", NumericsMode.Portable)]
    [InlineData("FAST", NumericsMode.Fast)]
    public void Parse_AMode_IgnoresCaseAndSpaces(string? text, NumericsMode expected) =>
        Assert.Equal(expected, CpuNumerics.Parse(text, "--numerics"));

    [Fact]
    public void Parse_AnUnknownMode_NamesTheSettingAndTheModes()
    {
        var error = Assert.Throws<NumericsSettingException>(() => CpuNumerics.Parse("turbo", "GridSearch:Trainer:Numerics"));

        Assert.Contains("GridSearch:Trainer:Numerics is 'turbo'", error.Message);
        Assert.Contains("portable", error.Message);
        Assert.Contains("fast", error.Message);
    }
}

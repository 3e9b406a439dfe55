using GridSearch.Training.Runtime;
using Microsoft.Extensions.Logging;

namespace GridSearch.Silo.Hosting;

/// <summary>What a silo says about itself when it starts.</summary>
internal static partial class SiloStartupLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "CPU numerics: {Mode}")]
    public static partial void Numerics(ILogger logger, NumericsMode? mode);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "This CPU has no AVX2: its numbers differ in the last bits from those of x86-64 AVX2 trainers (docs/reproducibility.md)")]
    public static partial void NoPortableKernels(ILogger logger);
}

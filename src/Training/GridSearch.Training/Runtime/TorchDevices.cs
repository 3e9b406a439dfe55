using TorchSharp;

namespace GridSearch.Training.Runtime;

/// <summary>Chooses the TorchSharp device: CUDA when TorchSharp reports it, else CPU, unless the user names one.</summary>
public static class TorchDevices
{
    public static torch.Device Resolve(string? requested = "auto")
    {
        string name = string.IsNullOrWhiteSpace(requested) ? "auto" : requested.Trim().ToLowerInvariant();
        if (name == "auto")
        {
            return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        }

        if (name.StartsWith("cuda", StringComparison.Ordinal) && !torch.cuda.is_available())
        {
            throw new InvalidOperationException(
                $"Device '{requested}' was asked for but TorchSharp sees no CUDA device. Use --device cpu, or run a " +
                "build made with -p:TorchBackend=cuda on a host with an NVIDIA driver.");
        }

        return name == "cpu" ? torch.CPU : new torch.Device(name);
    }

    /// <summary>
    /// Whether this build ships a CUDA backend (<c>-p:TorchBackend=cuda</c>): known without loading TorchSharp, so
    /// a silo can size its slots before any native library loads. A CPU build never trains on a GPU.
    /// </summary>
#if TORCH_CUDA
    public const bool BuiltWithCuda = true;
#else
    public const bool BuiltWithCuda = false;
#endif

    /// <summary>Whether a device setting trains on a GPU in this build: cuda[:N], or auto in a CUDA build.</summary>
    public static bool MeansGpu(string? requested)
    {
        string name = string.IsNullOrWhiteSpace(requested) ? "auto" : requested.Trim().ToLowerInvariant();
        return name.StartsWith("cuda", StringComparison.Ordinal) || (name == "auto" && BuiltWithCuda);
    }
}

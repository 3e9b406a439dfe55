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

    /// <summary>How many trainer slots a silo has by default: one per GPU, else one per two cores.</summary>
    public static int DefaultSlots(torch.Device device) => device.type == DeviceType.CUDA
        ? Math.Max(1, torch.cuda.device_count())
        : Math.Max(1, Environment.ProcessorCount / 2);
}

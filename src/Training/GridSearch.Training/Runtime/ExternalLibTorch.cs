using System.Runtime.InteropServices;

namespace GridSearch.Training.Runtime;

/// <summary>
/// Loads libtorch from an existing installation (a PyTorch install's <c>torch/lib</c>, or an unpacked LibTorch) named
/// by <c>GRIDSEARCH_LIBTORCH</c>, for builds made with <c>-p:TorchBackend=external</c>, which ship TorchSharp's bridge
/// and no libtorch of their own. It must run before TorchSharp's first use: TorchSharp then finds the libraries
/// already loaded by name. This is how a GPU machine with PyTorch trains without a CUDA TorchSharp package.
/// </summary>
public static class ExternalLibTorch
{
    public const string Variable = "GRIDSEARCH_LIBTORCH";

    /// <summary>The libtorch version TorchSharp 0.107 is built against; others may fail with unresolved symbols.</summary>
    public const string ExpectedVersion = "2.10.0";

    /// <summary>Whether this build was made with -p:TorchBackend=external (and so ships no libtorch).</summary>
    public static bool BuiltExternal =>
#if TORCH_EXTERNAL
        true;
#else
        false;
#endif

    // In dependency order; the CUDA ones only where the installation has them.
    private static readonly string[] Libraries = ["libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so"];
    private static readonly string[] Required = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];

    /// <summary>The folder loaded from, once loaded.</summary>
    public static string? LoadedFrom { get; private set; }

    /// <summary>Loads the configured libtorch (once); does nothing in a build that ships its own and has no setting.</summary>
    /// <exception cref="LibTorchSetupException">The setting and the build do not fit, or the folder is not a libtorch.</exception>
    public static void LoadIfConfigured()
    {
        string? folder = Environment.GetEnvironmentVariable(Variable);
        if (LoadedFrom is not null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(folder))
        {
            if (BuiltExternal)
            {
                throw new LibTorchSetupException(
                    $"This GridSearch build loads libtorch from an existing installation (-p:TorchBackend=external), but {Variable} " +
                    $"is not set. Set it to a libtorch {ExpectedVersion} folder: the torch/lib folder of a PyTorch install " +
                    "(python3 -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), \"lib\"))') or an unpacked LibTorch's lib folder.");
            }

            return;
        }

        if (!BuiltExternal)
        {
            throw new LibTorchSetupException(
                $"{Variable} is set ({folder}), but this GridSearch build ships its own libtorch (TorchBackend=cpu or cuda), and two " +
                $"libtorch copies cannot share a process. Unset {Variable}, or use a build made with -p:TorchBackend=external.");
        }

        string full = Path.GetFullPath(folder);
        var missing = Required.Where(name => !File.Exists(Path.Combine(full, name))).ToArray();
        if (!Directory.Exists(full) || missing.Length > 0)
        {
            throw new LibTorchSetupException(
                $"{Variable}={folder} is not a libtorch folder: {(Directory.Exists(full) ? $"it has no {string.Join(", ", missing)}" : "it does not exist")}. " +
                "Point it at the folder that holds libtorch.so, libtorch_cpu.so and libc10.so (a PyTorch install's torch/lib).");
        }

        foreach (string library in Libraries.Select(name => Path.Combine(full, name)).Where(File.Exists))
        {
            try
            {
                NativeLibrary.Load(library);
            }
            catch (Exception error) when (error is DllNotFoundException or BadImageFormatException)
            {
                throw new LibTorchSetupException(
                    $"{library} cannot be loaded ({error.Message}). Its libraries must be libtorch {ExpectedVersion} for this " +
                    "machine (x86-64 Linux) with everything they link to on the library path.");
            }
        }

        LoadedFrom = full;
    }

    /// <summary>The installation's own version label, when it has one (PyTorch's version.py, LibTorch's build-version).</summary>
    public static string? InstalledVersion(string folder)
    {
        string parent = Path.GetDirectoryName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar)) ?? "";
        string libtorchLabel = Path.Combine(parent, "build-version");
        if (File.Exists(libtorchLabel))
        {
            return File.ReadAllText(libtorchLabel).Trim();
        }

        string pytorchVersion = Path.Combine(parent, "version.py");
        return File.Exists(pytorchVersion)
            ? File.ReadLines(pytorchVersion).FirstOrDefault(l => l.StartsWith("__version__", StringComparison.Ordinal))?.Split('\'', '"')[1]
            : null;
    }
}

/// <summary>libtorch cannot be set up as configured; the message says what to change.</summary>
public sealed class LibTorchSetupException(string message) : Exception(message);

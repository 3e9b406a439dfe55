using System.ComponentModel;
using GridSearch.Trainer.Execution;
using GridSearch.Training.Data;
using Spectre.Console.Cli;

namespace GridSearch.Client.Commands;

/// <summary>Options every command has.</summary>
public class CommonSettings : CommandSettings
{
    [CommandOption("--state <DIR>")]
    [Description("State directory (also GRIDSEARCH_STATE_DIR). Default: ~/.local/share/gridsearch.")]
    public string? State { get; init; }

    [CommandOption("--json")]
    [Description("Print the result as one JSON document on stdout (progress goes to stderr).")]
    public bool Json { get; init; }

    [CommandOption("--verbose")]
    [Description("Show runtime logs on stderr.")]
    public bool Verbose { get; init; }

    [CommandOption("--cluster <HOST:PORT>")]
    [Description("Talk to a GridSearch cluster through this gateway (comma-separate several) instead of the local state.")]
    public string? Cluster { get; init; }

    [CommandOption("--tls-certificate <PFX>")]
    [Description("With --cluster: connect over TLS, presenting this PKCS#12 certificate (the cluster's GridSearch:Tls).")]
    public string? TlsCertificate { get; init; }

    [CommandOption("--tls-password <PASSWORD>")]
    [Description("Password of the --tls-certificate file (also GRIDSEARCH_TLS_PASSWORD).")]
    public string? TlsPassword { get; init; }

    [CommandOption("--tls-trusted <CERT>")]
    [Description("Certificate of the CA that signs the silos' certificates (or their shared self-signed certificate).")]
    public string? TlsTrusted { get; init; }

    public GridSearch.Hosting.TlsSettings Tls() => new()
    {
        CertificatePath = TlsCertificate,
        CertificatePassword = TlsPassword ?? Environment.GetEnvironmentVariable("GRIDSEARCH_TLS_PASSWORD"),
        TrustedCertificatePath = TlsTrusted,
    };

    /// <summary>
    /// The options that reach the same sweeps again (cluster, cluster id, TLS; or the state directory), for the
    /// commands GridSearch suggests: copied as printed, they work. A TLS password from GRIDSEARCH_TLS_PASSWORD stays there.
    /// </summary>
    public string ReachArguments()
    {
        var parts = new List<string>();
        void Add(string option, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parts.Add($"{option} {Quoted(value)}");
            }
        }

        if (string.IsNullOrWhiteSpace(Cluster))
        {
            Add("--state", State);
        }
        else
        {
            Add("--cluster", Cluster);
            Add("--cluster-id", ClusterId == "gridsearch" ? null : ClusterId);
            Add("--tls-certificate", TlsCertificate);
            Add("--tls-password", TlsPassword);
            Add("--tls-trusted", TlsTrusted);
        }

        return string.Concat(parts.Select(part => " " + part));
    }

    private static string Quoted(string value) => value.All(c => char.IsLetterOrDigit(c) || "-_./:,=@+".Contains(c))
        ? value
        : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [CommandOption("--connect-timeout <SECONDS>")]
    [Description("With --cluster: give up connecting after this long. Default: 30.")]
    [DefaultValue(30)]
    public int ConnectTimeout { get; init; } = 30;

    [CommandOption("--cluster-id <ID>")]
    [Description("The cluster's id (GridSearch:Cluster:ClusterId on the silos). Default: gridsearch.")]
    [DefaultValue("gridsearch")]
    public string ClusterId { get; init; } = "gridsearch";
}

/// <summary>Options of commands that host the embedded silo and may train.</summary>
public class SiloSettings : CommonSettings
{
    [CommandOption("--cache-dir <DIR>")]
    [Description("Decoded data set cache (also GRIDSEARCH_CACHE_DIR). Default: ~/.cache/gridsearch.")]
    public string? CacheDir { get; init; }

    [CommandOption("--no-cache")]
    [Description("Decode every image without reading or writing the cache.")]
    public bool NoCache { get; init; }

    [CommandOption("--device <DEVICE>")]
    [Description("auto (CUDA when available, else CPU), cpu, or cuda[[:N]] (GPU N). Default: auto.")]
    [DefaultValue("auto")]
    public string Device { get; init; } = "auto";

    [CommandOption("--threads <N>")]
    [Description("Threads per training run. Default: cores divided by slots.")]
    [DefaultValue(0)]
    public int Threads { get; init; }

    [CommandOption("--device-memory <GIB>")]
    [Description("GiB of device memory training may hold at once: runs and fused groups wait while theirs does not fit, and automatic fused groups are made as wide as fit. Default: on a GPU 90% of its free memory less 1 GiB; on CPU no limit.")]
    public double? DeviceMemoryGiB { get; init; }

    [CommandOption("--numerics <MODE>")]
    [Description("portable: the same numbers for the same seed on every x86-64 CPU with AVX2 (libtorch and oneDNN kernels pinned to AVX2, MKL to its vendor-neutral reproducible path); fast: this CPU's fastest kernels, numbers not portable (also GRIDSEARCH_NUMERICS). Default: portable.")]
    public string? Numerics { get; init; }

    [CommandOption("--slots <N>")]
    [Description("Runs (or fused groups) taken at once in this process. Default: one per core on CPU, 4 on a GPU (its memory decides how many train at once).")]
    [DefaultValue(0)]
    public int Slots { get; init; }

    [CommandOption("--metrics-port <PORT>")]
    [Description("Serve Prometheus metrics at http://localhost:PORT/metrics while the sweep runs.")]
    public int? MetricsPort { get; init; }

    [CommandOption("--metrics-linger <SECONDS>")]
    [Description("With --metrics-port: keep serving metrics this long after the sweep ends, so a scraper sees the final values. Default: 0.")]
    [DefaultValue(0)]
    public int MetricsLinger { get; init; }

    [CommandOption("--run-folder-store <DIR>")]
    [Description("Where copies of your programs' run folders go at each report, instead of the sweep's state (for run folders larger than 64 MiB). The state directory remembers it for resume and later sweeps; give another to switch. Default: inside the state directory's checkpoints.")]
    public string? RunFolderStore { get; init; }

    [CommandOption("--simulate-training <MS>")]
    [Description("Benchmarking aid: runs do not train but wait MS milliseconds each and report synthetic epochs.")]
    public int? SimulateTrainingMs { get; init; }

    public string? CacheDirectory =>
        NoCache ? null : Path.GetFullPath(string.IsNullOrWhiteSpace(CacheDir) ? CacheLocation.Default() : CacheDir);

    public TrainerSiloOptions Trainer(string? runFolders = null, string? runFolderStore = null) => new()
    {
        RunFolders = runFolders,
        RunFolderStore = runFolderStore,
        Slots = Slots,
        ThreadsPerSlot = Threads,
        Device = Device,
        DeviceMemoryBudget = DeviceMemoryGiB is { } gib ? (long)(gib * (1L << 30)) : 0,
        CacheDirectory = CacheDirectory,
        SimulatedTrialDuration = SimulateTrainingMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
        // This process is the user's own: the programs its sweeps name are theirs to run.
        AllowPrograms = true,
    };

    public override Spectre.Console.ValidationResult Validate()
    {
        if (Threads < 0 || Slots < 0)
        {
            return Spectre.Console.ValidationResult.Error("--threads and --slots must be 0 (automatic) or more.");
        }

        if (DeviceMemoryGiB is { } gib && (!double.IsFinite(gib) || gib <= 0 || gib > 1 << 20))
        {
            return Spectre.Console.ValidationResult.Error($"--device-memory {gib} must be a positive number of GiB, for example 8 or 0.5.");
        }

        if (MetricsPort is < 1 or > 65535 || MetricsLinger < 0)
        {
            return Spectre.Console.ValidationResult.Error("--metrics-port must be a TCP port (1-65535) and --metrics-linger 0 or more seconds.");
        }

        return Spectre.Console.ValidationResult.Success();
    }
}

/// <summary>Options of commands that name one sweep.</summary>
public class SweepIdSettings : CommonSettings
{
    [CommandArgument(0, "<SWEEP>")]
    [Description("The sweep id.")]
    public string SweepId { get; init; } = "";
}

/// <summary>Options of <c>gridsearch export</c> and <c>gridsearch watch</c>.</summary>
public sealed class ExportSettings : SweepIdSettings
{
    [CommandOption("--out <DIR>")]
    [Description("Where to write the sweep's files. Default: ./runs/<sweep-id>.")]
    public string? Out { get; init; }
}

/// <summary>Options of <c>gridsearch resume</c>.</summary>
public sealed class ResumeSettings : SiloSettings
{
    [CommandArgument(0, "<SWEEP>")]
    [Description("The sweep id to continue.")]
    public string SweepId { get; init; } = "";

    [CommandOption("--out <DIR>")]
    [Description("Where the result files go. Default: ./runs/<sweep-id>.")]
    public string? Out { get; init; }

    [CommandOption("--discard-damaged")]
    [Description("Retrain from their first epoch the runs whose checkpoint is damaged (without it, a damaged checkpoint stops the sweep).")]
    public bool DiscardDamaged { get; init; }
}

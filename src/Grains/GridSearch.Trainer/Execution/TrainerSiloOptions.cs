using GridSearch.Abstractions;
using Microsoft.Extensions.Options;

namespace GridSearch.Trainer.Execution;

/// <summary>How a silo takes part in training (configuration section <c>GridSearch:Trainer</c>).</summary>
public sealed class TrainerSiloOptions
{
    public const string Section = "GridSearch:Trainer";

    /// <summary>Whether this silo runs runs. Gateway-only silos set this to false.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Work (runs and fused groups) taken at once on this silo (0 = automatic: <see cref="GpuSlots"/> on a GPU, where
    /// device memory decides how many of them train at once, and one per core on CPU).
    /// </summary>
    public int Slots { get; set; }

    /// <summary>Intra-op threads per running run (0 = cores divided by slots).</summary>
    public int ThreadsPerSlot { get; set; }

    /// <summary>auto, cpu or cuda[:N].</summary>
    public string Device { get; set; } = "auto";

    /// <summary>Where decoded data sets are cached; empty disables the cache.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>
    /// Folders this silo may read data sets from; a sweep naming a path outside them fails. Empty allows any path
    /// (embedded mode, where the user owns the machine).
    /// </summary>
    public List<string> DataRoots { get; set; } = [];

    /// <summary>
    /// A cluster trainer with no <see cref="DataRoots"/> refuses to start unless this is true: clients would otherwise
    /// name any path the silo can read. Embedded mode, where the user owns the machine, needs no roots.
    /// </summary>
    public bool AllowAnyDataRoot { get; set; }

    /// <summary>
    /// Whether this trainer runs users' own programs. A sweep's command is code run here, so a cluster trainer refuses
    /// programs unless its operator allows them; embedded mode (the user runs their own code) allows them.
    /// </summary>
    public bool AllowPrograms { get; set; }

    /// <summary>Where runs of users' programs keep their folders (empty: gridsearch-runs under the temporary folder).</summary>
    public string? RunFolders { get; set; }

    public string EffectiveRunFolders => string.IsNullOrWhiteSpace(RunFolders) ? Path.Combine(Path.GetTempPath(), "gridsearch-runs") : RunFolders;

    /// <summary>
    /// Largest run folder a program's run may keep in the durable store: a copy goes into the run's checkpoint with every
    /// reported epoch (64 MiB by default). Larger folders need <see cref="RunFolderStore"/>.
    /// </summary>
    public long MaxRunFolderBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// A volume every trainer mounts at this same path (a Kubernetes PersistentVolumeClaim, an NFS share) for the copies
    /// of programs' run folders taken at each report, instead of the checkpoints: for folders larger than the durable
    /// store should hold. Empty: copies go into checkpoints.
    /// </summary>
    public string? RunFolderStore { get; set; }

    /// <summary>Largest run folder a program's run may keep on <see cref="RunFolderStore"/> (16 GiB by default).</summary>
    public long MaxSharedRunFolderBytes { get; set; } = 16L << 30;

    /// <summary>
    /// GPUs this trainer hands to programs that ask for them (<c>gpus: N</c>), as CUDA_VISIBLE_DEVICES ids. Empty: the
    /// devices in this silo's own CUDA_VISIBLE_DEVICES, else every GPU NVML finds, else none; <c>none</c>: none.
    /// </summary>
    public List<string> ProgramGpus { get; set; } = [];

    /// <summary>
    /// When set, runs do not train: each waits this long and reports synthetic epochs (for measuring orchestration
    /// overhead; see bench/).
    /// </summary>
    public TimeSpan? SimulatedTrialDuration { get; set; }

    /// <summary>
    /// Bytes of decoded data sets this silo keeps for later sweeps (0 = half of the memory available to the process).
    /// Beyond it, the least recently used data set that no run is using is freed. A data set in use is never freed.
    /// </summary>
    public long DatasetMemoryBudget { get; set; }

    public long EffectiveDatasetMemoryBudget => DatasetMemoryBudget > 0
        ? DatasetMemoryBudget
        : Math.Max(1L << 30, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2);

    /// <summary>
    /// Bytes of device memory training work may hold at once (0 = on a GPU, 90% of its free memory at start less
    /// 1 GiB; on CPU, no limit). Each run or fused group reserves its estimated bytes before it trains and waits while
    /// they do not fit; automatic fused groups are made as wide as fit.
    /// </summary>
    public long DeviceMemoryBudget { get; set; }

    /// <summary>Automatic slots on a GPU: enough work in hand to fill the device; its memory decides how much trains at once.</summary>
    public const int GpuSlots = 4;

    /// <summary>
    /// CPU numerics: <c>portable</c> (the default: the same numbers on every x86-64 CPU with AVX2) or <c>fast</c> (this
    /// CPU's fastest kernels). Pinned once per process, before libtorch loads; see <see cref="GridSearch.Training.Runtime.CpuNumerics"/>.
    /// </summary>
    public string Numerics { get; set; } = "portable";

    /// <summary>On shutdown, how long running runs may take to finish their current epoch and checkpoint it.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Slots when <see cref="Slots"/> is 0: on a GPU <see cref="GpuSlots"/> (the silo trains on one device, so run one
    /// trainer silo per GPU, as the Kubernetes manifests do; its memory budget decides how many train at once); on CPU
    /// one per core, each with one thread (measured fastest here).
    /// </summary>
    public int EffectiveSlots => Slots > 0 ? Slots
        : GridSearch.Training.Runtime.TorchDevices.MeansGpu(Device) ? GpuSlots
        : Math.Max(1, Environment.ProcessorCount);

    public int EffectiveThreadsPerSlot => ThreadsPerSlot > 0
        ? ThreadsPerSlot
        : Math.Max(1, Environment.ProcessorCount / EffectiveSlots);
}

/// <summary>Reports every problem with <see cref="TrainerSiloOptions"/> at once.</summary>
public sealed class TrainerSiloOptionsValidator : IValidateOptions<TrainerSiloOptions>
{
    public ValidateOptionsResult Validate(string? name, TrainerSiloOptions options)
    {
        var problems = new List<string>();
        if (options.Slots < 0)
        {
            problems.Add($"{TrainerSiloOptions.Section}:Slots is {options.Slots}; use 0 (automatic) or more.");
        }

        if (options.ThreadsPerSlot < 0)
        {
            problems.Add($"{TrainerSiloOptions.Section}:ThreadsPerSlot is {options.ThreadsPerSlot}; use 0 (automatic) or more.");
        }

        string device = options.Device?.Trim().ToLowerInvariant() ?? "";
        if (device is not ("auto" or "cpu") && !device.StartsWith("cuda", StringComparison.Ordinal))
        {
            problems.Add($"{TrainerSiloOptions.Section}:Device is '{options.Device}'; use auto, cpu or cuda[:N].");
        }

        foreach (string root in options.DataRoots.Where(r => !Path.IsPathFullyQualified(r)))
        {
            problems.Add($"{TrainerSiloOptions.Section}:DataRoots entry '{root}' must be an absolute path.");
        }

        if (!string.IsNullOrWhiteSpace(options.RunFolderStore) && !Path.IsPathFullyQualified(options.RunFolderStore))
        {
            problems.Add($"{TrainerSiloOptions.Section}:RunFolderStore '{options.RunFolderStore}' must be an absolute path, the same on every trainer.");
        }

        if (options.MaxRunFolderBytes <= 0 || options.MaxSharedRunFolderBytes <= 0)
        {
            problems.Add($"{TrainerSiloOptions.Section}:MaxRunFolderBytes and MaxSharedRunFolderBytes must be numbers of bytes above zero.");
        }

        if (options.DatasetMemoryBudget < 0)
        {
            problems.Add($"{TrainerSiloOptions.Section}:DatasetMemoryBudget is {options.DatasetMemoryBudget}; use 0 (half of the memory) or a number of bytes.");
        }

        if (options.DeviceMemoryBudget < 0)
        {
            problems.Add($"{TrainerSiloOptions.Section}:DeviceMemoryBudget is {options.DeviceMemoryBudget}; use 0 (measured on a GPU) or a number of bytes.");
        }

        try
        {
            GridSearch.Training.Runtime.CpuNumerics.Parse(options.Numerics, $"{TrainerSiloOptions.Section}:Numerics");
        }
        catch (GridSearch.Training.Runtime.NumericsSettingException error)
        {
            problems.Add(error.Message);
        }

        foreach (string gpu in options.ProgramGpus.Where(g => string.IsNullOrWhiteSpace(g) || g.Contains(',', StringComparison.Ordinal)))
        {
            problems.Add($"{TrainerSiloOptions.Section}:ProgramGpus entry '{gpu}' must be one device id (0, 1, or a GPU UUID), one per entry.");
        }

        if (options.DrainTimeout < TimeSpan.Zero)
        {
            problems.Add($"{TrainerSiloOptions.Section}:DrainTimeout is negative.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

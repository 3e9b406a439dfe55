using System.ComponentModel;
using GridSearch.Training.Data;
using Spectre.Console.Cli;

namespace GridSearch.Client.Commands;

/// <summary>Options shared by every command that reads a data set and trains.</summary>
public class DataSettings : CommandSettings
{
    [CommandOption("--data <DIR>")]
    [Description("ImageFolder root: one sub-folder per class. Default: a generated demo data set in the state directory.")]
    public string? Data { get; init; }

    [CommandOption("--seed <N>")]
    [Description("Search seed: fixes the split, the initial weights and every shuffle. Default: 0.")]
    [DefaultValue(0L)]
    public long Seed { get; init; }

    [CommandOption("--state <DIR>")]
    [Description("State directory (also GRIDSEARCH_STATE_DIR). Default: ~/.local/share/gridsearch.")]
    public string? State { get; init; }

    [CommandOption("--cache-dir <DIR>")]
    [Description("Decoded data set cache (also GRIDSEARCH_CACHE_DIR). Default: ~/.cache/gridsearch.")]
    public string? CacheDir { get; init; }

    [CommandOption("--no-cache")]
    [Description("Decode every image without reading or writing the cache.")]
    public bool NoCache { get; init; }

    [CommandOption("--skip-bad-images")]
    [Description("Skip unreadable images and list them, instead of failing.")]
    public bool SkipBadImages { get; init; }

    [CommandOption("--max-image-pixels <N>")]
    [Description("Refuse images whose header claims more pixels than this. Default: 40000000.")]
    [DefaultValue(40_000_000L)]
    public long MaxImagePixels { get; init; }

    [CommandOption("--device <DEVICE>")]
    [Description("auto (CUDA when available, else CPU), cpu, or cuda[:N]. Default: auto.")]
    [DefaultValue("auto")]
    public string Device { get; init; } = "auto";

    [CommandOption("--threads <N>")]
    [Description("Threads per trial. Default: all cores for one trial.")]
    [DefaultValue(0)]
    public int Threads { get; init; }

    [CommandOption("--json")]
    [Description("Print the result as one JSON document on stdout (progress goes to stderr).")]
    public bool Json { get; init; }

    public PreprocessingOptions Preprocessing() => new()
    {
        MaxImagePixels = MaxImagePixels,
        SkipBadImages = SkipBadImages,
        CacheDirectory = NoCache ? null : Path.GetFullPath(string.IsNullOrWhiteSpace(CacheDir) ? CacheLocation.Default() : CacheDir),
    };

    public override Spectre.Console.ValidationResult Validate()
    {
        if (MaxImagePixels < 1)
        {
            return Spectre.Console.ValidationResult.Error("--max-image-pixels must be at least 1.");
        }

        return Threads < 0
            ? Spectre.Console.ValidationResult.Error("--threads must be 0 (automatic) or more.")
            : Spectre.Console.ValidationResult.Success();
    }
}

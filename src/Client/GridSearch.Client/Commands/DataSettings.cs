using System.ComponentModel;
using GridSearch.Training.Data;
using Spectre.Console.Cli;

namespace GridSearch.Client.Commands;

/// <summary>Options shared by every command that reads a data set and trains.</summary>
public class DataSettings : SiloSettings
{
    [CommandOption("--data <DIR>")]
    [Description("ImageFolder root: one sub-folder per class. Default: a generated demo data set in the state directory.")]
    public string? Data { get; init; }

    [CommandOption("--seed <N>")]
    [Description("Search seed: fixes the split, the initial weights, every shuffle and random search's draws. Default: 0.")]
    public long? SeedOption { get; init; }

    /// <summary>The seed in effect (a sweep file may give one).</summary>
    public virtual long Seed => SeedOption ?? 0;

    /// <summary>The data root in effect, as given (a sweep file may give one).</summary>
    public virtual string? DataRoot => Data;

    [CommandOption("--skip-bad-images")]
    [Description("Skip unreadable images and list them, instead of failing.")]
    public bool SkipBadImages { get; init; }

    [CommandOption("--max-image-pixels <N>")]
    [Description("Refuse images whose header claims more pixels than this (at most 500000000). Default: 40000000.")]
    [DefaultValue(40_000_000L)]
    public long MaxImagePixels { get; init; }

    public PreprocessingOptions Preprocessing() => new()
    {
        MaxImagePixels = MaxImagePixels,
        SkipBadImages = SkipBadImages,
        CacheDirectory = CacheDirectory,
    };

    public override Spectre.Console.ValidationResult Validate() => MaxImagePixels is < 1 or > PreprocessingOptions.MaxImagePixelsLimit
        ? Spectre.Console.ValidationResult.Error(
            $"--max-image-pixels {MaxImagePixels} must be between 1 and {PreprocessingOptions.MaxImagePixelsLimit} (the decoder's 4 GiB memory ceiling).")
        : base.Validate();
}

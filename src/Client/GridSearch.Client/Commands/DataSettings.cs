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

    [CommandOption("--image-size <N>")]
    [Description("Side in pixels of the square every image is resized to (8 to 1024). Smaller trains faster, above all the cnn. Default: 128, the baseline's.")]
    public int? ImageSizeOption { get; init; }

    /// <summary>The image side in effect (a sweep file may give one).</summary>
    public virtual int ImageSize => ImageSizeOption ?? GridSearch.Abstractions.SweepSpec.DefaultImageSize;

    public PreprocessingOptions Preprocessing() => new()
    {
        ImageSize = ImageSize,
        MaxImagePixels = MaxImagePixels,
        SkipBadImages = SkipBadImages,
        CacheDirectory = CacheDirectory,
    };

    public override Spectre.Console.ValidationResult Validate() => MaxImagePixels is < 1 or > PreprocessingOptions.MaxImagePixelsLimit
        ? Spectre.Console.ValidationResult.Error(
            $"--max-image-pixels {MaxImagePixels} must be between 1 and {PreprocessingOptions.MaxImagePixelsLimit} (the decoder's 4 GiB memory ceiling).")
        : ImageSizeOption is < GridSearch.Abstractions.SweepSpecRules.MinImageSize or > GridSearch.Abstractions.SweepSpecRules.MaxImageSize
            ? Spectre.Console.ValidationResult.Error(
                $"--image-size {ImageSizeOption} must be between {GridSearch.Abstractions.SweepSpecRules.MinImageSize} and {GridSearch.Abstractions.SweepSpecRules.MaxImageSize} pixels, for example 64.")
            : base.Validate();
}

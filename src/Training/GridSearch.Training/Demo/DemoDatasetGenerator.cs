using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace GridSearch.Training.Demo;

/// <summary>
/// Writes a small two-class ImageFolder data set for trying GridSearch without data of one's own: noisy images of
/// varied sizes and formats, each with a disc whose tint leans red ("warm") or blue ("cool"). The lean overlaps
/// between the classes, so a linear model learns it well but not perfectly.
/// </summary>
public static class DemoDatasetGenerator
{
    public static readonly IReadOnlyList<string> ClassNames = ["cool", "warm"];

    /// <summary>Returns <paramref name="directory"/>, creating the data set there first if it is not complete.</summary>
    public static string EnsureAt(string directory, int imagesPerClass = 200, int seed = 0)
    {
        string target = Path.GetFullPath(directory);
        string marker = Path.Combine(target, ".complete");
        if (File.Exists(marker))
        {
            return target;
        }

        // Build beside the target and rename, so an interrupted generation never leaves a partial data set.
        string parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".{Path.GetFileName(target)}.{Environment.ProcessId}.{Guid.NewGuid():N}");
        Write(staging, imagesPerClass, seed);
        File.WriteAllText(Path.Combine(staging, ".complete"), $"{imagesPerClass} images per class, seed {seed}\n");
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        try
        {
            Directory.Move(staging, target);
        }
        catch (IOException) when (File.Exists(marker))
        {
            // Another process finished the same data set first; theirs is identical.
            Directory.Delete(staging, recursive: true);
        }

        return target;
    }

    private static void Write(string root, int imagesPerClass, int seed)
    {
        var random = new Random(seed);
        for (int label = 0; label < ClassNames.Count; label++)
        {
            string folder = Path.Combine(root, ClassNames[label]);
            Directory.CreateDirectory(folder);
            for (int i = 0; i < imagesPerClass; i++)
            {
                using var image = Draw(random, label);
                bool png = i % 4 == 3;
                string path = Path.Combine(folder, $"{ClassNames[label]}.{i:D4}.{(png ? "png" : "jpg")}");
                if (png)
                {
                    image.Save(path, new PngEncoder());
                }
                else
                {
                    image.Save(path, new JpegEncoder { Quality = 90 });
                }
            }
        }
    }

    private static Image<Rgb24> Draw(Random random, int label)
    {
        int width = random.Next(48, 161);
        int height = random.Next(48, 161);
        var image = new Image<Rgb24>(width, height);
        var background = (R: random.Next(50, 206), G: random.Next(50, 206), B: random.Next(50, 206));
        double centreX = width * (0.25 + 0.5 * random.NextDouble());
        double centreY = height * (0.25 + 0.5 * random.NextDouble());
        double radius = Math.Min(width, height) * (0.15 + 0.2 * random.NextDouble());
        int lean = random.Next(-25, 70) * (label == 1 ? 1 : -1);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double dx = x - centreX, dy = y - centreY;
                bool inDisc = dx * dx + dy * dy <= radius * radius;
                int tint = inDisc ? lean : 0;
                int noise = random.Next(-35, 36);
                image[x, y] = new Rgb24(Clamp(background.R + tint + noise), Clamp(background.G + noise),
                    Clamp(background.B - tint + noise));
            }
        }

        return image;
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);
}

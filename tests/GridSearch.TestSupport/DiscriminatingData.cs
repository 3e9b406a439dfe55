using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace GridSearch.TestSupport;

/// <summary>
/// The data sets end-to-end comparisons run on: two classes ("a", "b") of 330 small noisy JPEGs each, or three ("a",
/// "b", "c") of 220, so the 80/10/10 split holds 66 validation and 66 test images. The class shows only as a tinted disc
/// whose tint overlaps between the classes, on backgrounds of random colour and brightness with stripes that carry no class: the baseline's linear model
/// learns it to well above chance but never to 1.0, and cells with different options end with different numbers, so
/// "same winner" and "same accuracy" after a fault mean something.
/// </summary>
public static class DiscriminatingData
{
    public const int Images = 660;

    private const string Version = "v1";

    private static readonly Lazy<string> TwoClasses = new(() => Shared(2));

    private static readonly Lazy<string> ThreeClasses = new(() => Shared(3));

    /// <summary>The two-class set, written once per machine (deterministic, so every test process sees the same bytes).</summary>
    public static string Root => TwoClasses.Value;

    /// <summary>The three-class set, for softmax regression.</summary>
    public static string ThreeClassRoot => ThreeClasses.Value;

    private static string Shared(int classes) => EnsureAt(Path.Combine(Path.GetTempPath(),
        $"gridsearch-test-data-{Environment.UserName}", $"discriminating-{classes}-{Version}"), classes);

    /// <summary>Writes the data set at <paramref name="directory"/> unless it is already complete there.</summary>
    public static string EnsureAt(string directory, int classes = 2)
    {
        string marker = Path.Combine(directory, ".complete");
        if (File.Exists(marker))
        {
            return directory;
        }

        // Written beside the target and renamed, so a test process killed halfway never leaves a partial set behind.
        string parent = Path.GetDirectoryName(directory)!;
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".staging-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Write(staging, classes);
        File.WriteAllText(Path.Combine(staging, ".complete"), $"{Images} images in {classes} classes, {Version}\n");
        try
        {
            Directory.Move(staging, directory);
        }
        catch (IOException) when (File.Exists(marker))
        {
            Directory.Delete(staging, recursive: true); // another test process finished the identical set first
        }

        return directory;
    }

    private static void Write(string root, int classes)
    {
        var random = new Random(20261202 + classes);
        for (int label = 0; label < classes; label++)
        {
            string name = ((char)('a' + label)).ToString();
            string folder = Path.Combine(root, name);
            Directory.CreateDirectory(folder);
            for (int i = 0; i < Images / classes; i++)
            {
                using var image = classes == 2 ? Draw(random, label) : DrawOneOfThree(random, label);
                image.Save(Path.Combine(folder, $"{name}{i:D3}.jpg"), new JpegEncoder { Quality = 90 });
            }
        }
    }

    private static Image<Rgb24> Draw(Random random, int label)
    {
        int width = random.Next(28, 57);
        int height = random.Next(28, 57);
        var image = new Image<Rgb24>(width, height);
        var background = (R: random.Next(40, 216), G: random.Next(40, 216), B: random.Next(40, 216));
        double centreX = width * (0.3 + 0.4 * random.NextDouble());
        double centreY = height * (0.3 + 0.4 * random.NextDouble());
        double radius = Math.Min(width, height) * (0.2 + 0.2 * random.NextDouble());
        // Mostly a warm disc for "b" and a cool one for "a", but a third of either class leans the other way.
        int lean = random.Next(-25, 50) * (label == 1 ? 1 : -1);
        bool vertical = random.Next(2) == 0;
        int period = random.Next(3, 9);
        int stripe = random.Next(10, 40);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double dx = x - centreX, dy = y - centreY;
                int tint = dx * dx + dy * dy <= radius * radius ? lean : 0;
                int texture = ((vertical ? x : y) / period) % 2 == 0 ? stripe : -stripe;
                int noise = random.Next(-40, 41);
                image[x, y] = new Rgb24(Clamp(background.R + tint + texture + noise),
                    Clamp(background.G + texture + noise), Clamp(background.B - tint + texture + noise));
            }
        }

        return image;
    }

    /// <summary>Three classes: the disc leans to the class's own colour channel, by an amount that overlaps the others'.</summary>
    private static Image<Rgb24> DrawOneOfThree(Random random, int label)
    {
        int width = random.Next(28, 57);
        int height = random.Next(28, 57);
        var image = new Image<Rgb24>(width, height);
        int[] background = [random.Next(40, 216), random.Next(40, 216), random.Next(40, 216)];
        double centreX = width * (0.3 + 0.4 * random.NextDouble());
        double centreY = height * (0.3 + 0.4 * random.NextDouble());
        double radius = Math.Min(width, height) * (0.2 + 0.2 * random.NextDouble());
        int lean = random.Next(-20, 55);
        var pixel = new int[3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double dx = x - centreX, dy = y - centreY;
                bool inDisc = dx * dx + dy * dy <= radius * radius;
                int noise = random.Next(-40, 41);
                for (int c = 0; c < 3; c++)
                {
                    pixel[c] = background[c] + noise + (inDisc ? (c == label ? lean : -lean / 2) : 0);
                }

                image[x, y] = new Rgb24(Clamp(pixel[0]), Clamp(pixel[1]), Clamp(pixel[2]));
            }
        }

        return image;
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);
}

namespace GridSearch.Training.Data;

/// <summary>Lists an ImageFolder root: one sub-folder per class, image files chosen by extension.</summary>
public static class ImageFolderScanner
{
    public static readonly IReadOnlySet<string> ImageExtensions =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp" };

    public static ImageFolderIndex Scan(string root)
    {
        string fullRoot = Path.GetFullPath(root);
        if (!Directory.Exists(fullRoot))
        {
            throw new DataProblemException(File.Exists(fullRoot)
                ? $"Data root '{fullRoot}' is a file. Pass a folder that holds one sub-folder per class (for example cat/ and dog/)."
                : $"Data root '{fullRoot}' does not exist. Pass --data with a folder that holds one sub-folder per class.");
        }

        string[] classes = Directory.GetDirectories(fullRoot)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => !name.StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (classes.Length < 2)
        {
            throw new DataProblemException(
                $"Data root '{fullRoot}' has {classes.Length} class folder(s); a binary classifier needs exactly 2 " +
                "(one sub-folder per class, for example cat/ and dog/).");
        }

        if (classes.Length > 2)
        {
            throw new DataProblemException(
                $"Data root '{fullRoot}' has {classes.Length} class folders ({string.Join(", ", classes)}); the " +
                "logistic-regression model is binary. Keep exactly two class folders under the root.");
        }

        var files = new List<ImageFileEntry>();
        for (int label = 0; label < classes.Length; label++)
        {
            string classDirectory = Path.Combine(fullRoot, classes[label]);
            var images = new DirectoryInfo(classDirectory)
                .EnumerateFiles("*", SearchOption.AllDirectories)
                .Where(file => !file.Name.StartsWith('.') && ImageExtensions.Contains(file.Extension))
                .Select(file => (Relative: Path.GetRelativePath(fullRoot, file.FullName), file))
                .OrderBy(item => item.Relative, StringComparer.Ordinal)
                .ToArray();
            if (images.Length == 0)
            {
                throw new DataProblemException(
                    $"Class folder '{classDirectory}' holds no images ({string.Join(", ", ImageExtensions.Order())}). " +
                    "Add images to it or remove the folder.");
            }

            files.AddRange(images.Select(item => new ImageFileEntry(
                item.Relative, label, item.file.Length, item.file.LastWriteTimeUtc.Ticks)));
        }

        return new ImageFolderIndex(fullRoot, classes, files);
    }
}

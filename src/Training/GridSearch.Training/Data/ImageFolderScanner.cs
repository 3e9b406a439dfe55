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
                $"Data root '{fullRoot}' has {classes.Length} class folder(s); a classifier needs at least 2 " +
                "(one sub-folder per class, for example cat/ and dog/).");
        }

        if (classes.Length > byte.MaxValue + 1)
        {
            throw new DataProblemException(
                $"Data root '{fullRoot}' has {classes.Length} class folders; GridSearch handles at most {byte.MaxValue + 1}.");
        }

        var files = new List<ImageFileEntry>();
        var walk = new FolderWalk(fullRoot, classes.Select(c => Path.Combine(fullRoot, c)));
        for (int label = 0; label < classes.Length; label++)
        {
            string classDirectory = Path.Combine(fullRoot, classes[label]);
            var images = walk.ImagesUnder(classDirectory)
                .OrderBy(item => item.Relative, StringComparer.Ordinal)
                .ToArray();
            if (images.Length == 0)
            {
                throw new DataProblemException(
                    $"Class folder '{classDirectory}' holds no images ({string.Join(", ", ImageExtensions.Order())}). " +
                    "Add images to it or remove the folder.");
            }

            files.AddRange(images.Select(item => new ImageFileEntry(
                item.Relative, label, item.File.Length, item.File.LastWriteTimeUtc.Ticks)));
        }

        return new ImageFolderIndex(fullRoot, classes, files) { Warnings = walk.Warnings };
    }

    /// <summary>
    /// Walks class folders following directory links, but each real directory at most once: a link back to an
    /// ancestor (a cycle) or a second link to a folder already read is skipped with a warning, so the walk always ends
    /// and no image is counted twice.
    /// </summary>
    private sealed class FolderWalk
    {
        private static readonly EnumerationOptions OneLevel = new()
        {
            RecurseSubdirectories = false,
            IgnoreInaccessible = false,
            AttributesToSkip = 0,
            ReturnSpecialDirectories = false,
        };

        private readonly string _root;
        private readonly HashSet<string> _visited = new(StringComparer.Ordinal);

        // The root and every class folder count as read from the start: a link to one of them from inside a class
        // would otherwise pull another class's images (or the whole tree) in under this class's label.
        public FolderWalk(string root, IEnumerable<string> classDirectories)
        {
            _root = root;
            foreach (string directory in classDirectories.Prepend(root))
            {
                _visited.Add(IO.RealPath.TryResolve(directory) ?? directory);
            }
        }

        public List<string> Warnings { get; } = [];

        public IEnumerable<(string Relative, FileInfo File)> ImagesUnder(string directory)
        {
            var pending = new Stack<string>();
            foreach (string start in Children(directory))
            {
                pending.Push(start);
            }

            foreach (var image in ImagesIn(directory))
            {
                yield return image;
            }

            while (pending.TryPop(out string? current))
            {
                string? real = IO.RealPath.TryResolve(current);
                if (real is null)
                {
                    Warnings.Add($"Skipped folder '{current}': its links cannot be resolved (a link cycle or a broken link).");
                    continue;
                }

                if (!_visited.Add(real))
                {
                    Warnings.Add($"Skipped folder '{current}': it is a link to '{real}', which was already read (a link cycle or a duplicate link).");
                    continue;
                }

                foreach (string child in Children(current))
                {
                    pending.Push(child);
                }

                foreach (var image in ImagesIn(current))
                {
                    yield return image;
                }
            }
        }

        // Reverse ordinal order onto a stack, so folders are read in ordinal order: which of two links to one folder
        // is read (and so how its images are named) does not depend on the file system's listing order.
        private static IEnumerable<string> Children(string directory) => new DirectoryInfo(directory)
            .EnumerateDirectories("*", OneLevel).Select(d => d.FullName).OrderDescending(StringComparer.Ordinal);

        private IEnumerable<(string Relative, FileInfo File)> ImagesIn(string directory) => new DirectoryInfo(directory)
            .EnumerateFiles("*", OneLevel)
            .Where(file => !file.Name.StartsWith('.') && ImageExtensions.Contains(file.Extension))
            .Select(file => (Path.GetRelativePath(_root, file.FullName), file));
    }
}

using System.Formats.Tar;

namespace GridSearch.Trainer.Programs;

/// <summary>
/// A run's folder on a trainer (GRIDSEARCH_RUN_DIR): set up before each attempt from the archive taken at the run's
/// last report, so a resumed or moved run sees exactly what that epoch left (never a later, half-written state), and
/// archived again at each report. The archive travels in the run's checkpoint, so it survives the trainer.
/// </summary>
public sealed class RunFolder(string path, long maxBytes)
{
    public string Path => path;

    /// <summary>Empties the folder and fills it from <paramref name="archive"/> (nothing: a first attempt starts empty).</summary>
    public void Restore(byte[]? archive)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        Directory.CreateDirectory(path);
        if (archive is { Length: > 0 })
        {
            using var stream = new MemoryStream(archive, writable: false);
            TarFile.ExtractToDirectory(stream, path, overwriteFiles: true);
        }
    }

    /// <summary>The folder as one archive; refused, naming the limit, when it holds more than the checkpoint store takes.</summary>
    public byte[] Archive()
    {
        long bytes = new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        if (bytes > maxBytes)
        {
            throw new InvalidOperationException(
                $"the run folder {path} holds {bytes:N0} bytes, more than the {maxBytes:N0} a run's checkpoint may hold " +
                $"(GridSearch:Trainer:MaxRunFolderBytes): keep only what the program needs to resume there (the latest checkpoint, " +
                "not one per epoch), and write large outputs elsewhere");
        }

        using var archive = new MemoryStream();
        TarFile.CreateFromDirectory(path, archive, includeBaseDirectory: false);
        return archive.ToArray();
    }

    /// <summary>Removes the folder, and its sweep's folder once no run of the sweep has one here.</summary>
    public void Delete()
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        try
        {
            if (System.IO.Path.GetDirectoryName(path) is { } sweep && Directory.Exists(sweep) && !Directory.EnumerateFileSystemEntries(sweep).Any())
            {
                Directory.Delete(sweep);
            }
        }
        catch (IOException)
        {
            // Another run of the sweep created its folder meanwhile: the sweep's folder stays.
        }
    }
}

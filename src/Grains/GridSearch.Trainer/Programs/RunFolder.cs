using System.Formats.Tar;

namespace GridSearch.Trainer.Programs;

/// <summary>
/// A run's folder on a trainer (GRIDSEARCH_RUN_DIR): set up before each attempt from the copy taken at the run's last
/// report, so a resumed or moved run sees exactly what that epoch left (never a later, half-written state), and copied
/// again at each report (see <see cref="RunFolderStore"/> for where copies live).
/// </summary>
public sealed class RunFolder(string path)
{
    public string Path => path;

    /// <summary>Empties the folder and fills it from <paramref name="archive"/> (nothing: a first attempt starts empty).</summary>
    public void Restore(byte[]? archive)
    {
        Recreate();
        if (archive is { Length: > 0 })
        {
            using var stream = new MemoryStream(archive, writable: false);
            TarFile.ExtractToDirectory(stream, path, overwriteFiles: true);
        }
    }

    /// <summary>Empties the folder and fills it with a copy of <paramref name="source"/>.</summary>
    public void RestoreFrom(string source)
    {
        Recreate();
        CopyTree(source, path);
    }

    /// <summary>The folder as one archive; refused, naming the limit and its setting, when it holds more than <paramref name="maxBytes"/>.</summary>
    public byte[] Archive(long maxBytes, string setting, string alternative)
    {
        ThrowIfLarger(maxBytes, setting, alternative);
        using var archive = new MemoryStream();
        TarFile.CreateFromDirectory(path, archive, includeBaseDirectory: false);
        return archive.ToArray();
    }

    /// <summary>
    /// Copies the folder to <paramref name="destination"/>, replacing what is there: first beside it, then renamed, so
    /// the destination is either the old copy or the whole new one, never a half-written one.
    /// </summary>
    public void CopyTo(string destination, long maxBytes, string setting)
    {
        ThrowIfLarger(maxBytes, setting, "or raise the limit if the shared volume has room");
        string partial = destination + ".partial";
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }

        Directory.CreateDirectory(partial);
        CopyTree(path, partial);
        if (Directory.Exists(destination))
        {
            Directory.Delete(destination, recursive: true);
        }

        Directory.Move(partial, destination);
    }

    /// <summary>Removes the folder, and its sweep's folder once no run of the sweep has one here.</summary>
    public void Delete() => DeleteWithEmptyParent(path);

    /// <summary>Removes a folder, and the folder above it once that is empty.</summary>
    public static void DeleteWithEmptyParent(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        try
        {
            if (System.IO.Path.GetDirectoryName(folder) is { } parent && Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any())
            {
                Directory.Delete(parent);
            }
        }
        catch (IOException)
        {
            // Another run of the sweep created its folder meanwhile: the sweep's folder stays.
        }
    }

    // Sweep and run ids are the coordinator's (letters, digits, '.', '-', '_'); anything else cannot name a folder.
    public static string Sanitized(string id) =>
        new(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray());

    private void Recreate()
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        Directory.CreateDirectory(path);
    }

    private void ThrowIfLarger(long maxBytes, string setting, string alternative)
    {
        long bytes = new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        if (bytes > maxBytes)
        {
            throw new InvalidOperationException(
                $"the run folder {path} holds {bytes:N0} bytes, more than the {maxBytes:N0} a run's copy may hold ({setting}): " +
                $"keep only what the program needs to resume there (the latest checkpoint, not one per epoch), write large outputs elsewhere, {alternative}");
        }
    }

    private static void CopyTree(string from, string to)
    {
        foreach (string directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(System.IO.Path.Combine(to, System.IO.Path.GetRelativePath(from, directory)));
        }

        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, System.IO.Path.Combine(to, System.IO.Path.GetRelativePath(from, file)), overwrite: true);
        }
    }
}

using System.Runtime.InteropServices;

namespace GridSearch.Training.IO;

/// <summary>
/// A path with every symbolic link and <c>..</c> resolved (POSIX <c>realpath</c>): two names for one folder give one
/// answer, which is what folder-walks and data-root checks must compare.
/// </summary>
public static unsafe partial class RealPath
{
    /// <summary>The resolved path, or null when it does not exist or cannot be resolved (a link cycle, say).</summary>
    public static string? TryResolve(string path)
    {
        string full = Path.GetFullPath(path);
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return Directory.Exists(full) || File.Exists(full) ? Path.TrimEndingDirectorySeparator(full) : null;
        }

        IntPtr resolved = realpath(full, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            NativeMemory.Free((void*)resolved);
        }
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or inside it; both already resolved.</summary>
    public static bool IsWithin(string path, string root)
    {
        string prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return path == Path.TrimEndingDirectorySeparator(root) || path == root
               || path.StartsWith(prefix, StringComparison.Ordinal);
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr realpath(string path, IntPtr resolved);
}

using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using GridSearch.Abstractions;
using Orleans.Serialization;
using Orleans.Storage;

namespace GridSearch.Grains.Storage;

/// <summary>
/// Grain storage in local files, for embedded mode: one file per grain state under the state directory, written
/// atomically (temporary file, flush to disk, rename) so a crash leaves either the old state or the new one.
/// Each file carries a version (the ETag) and a SHA-256 of its contents: a damaged file is an error naming the
/// file, never a silent fresh start.
/// </summary>
public sealed class FileGrainStorage : IGrainStorage
{
    private const int Magic = 0x54534753; // "GSST"
    private const int HeaderLength = 4 + 8 + 4;
    private const int HashLength = 32;

    private readonly Serializer serializer;

    // The last payload size per state file: a checkpoint is rewritten every epoch at about the same size, and a writer
    // sized for it at once is one allocation instead of a doubling series of large ones.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _sizeHints = new();

    public FileGrainStorage(string directory, Serializer serializer)
    {
        this.serializer = serializer;
        Directory = Path.GetFullPath(directory);
        RemoveLeftoverTemporaryFiles();
    }

    public string Directory { get; }

    /// <summary>
    /// A process killed in the middle of a write leaves its temporary file behind (the state file itself is intact:
    /// the rename never happened). Files of processes that are gone are removed; a live writer's are left alone.
    /// </summary>
    private void RemoveLeftoverTemporaryFiles()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return;
        }

        foreach (string file in System.IO.Directory.EnumerateFiles(Directory, "*.tmp", SearchOption.AllDirectories))
        {
            string[] parts = Path.GetFileName(file).Split('.');
            bool writerAlive = parts.Length >= 3 && int.TryParse(parts[^3], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                               && pid != Environment.ProcessId && IsRunning(pid);
            if (!writerAlive)
            {
                File.Delete(file);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string path = PathOf(stateName, grainId);
        if (!File.Exists(path))
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        byte[] bytes = await File.ReadAllBytesAsync(path);
        // A damaged file still gets an ETag, naming exactly these bytes: a caller that decides to discard it can
        // clear it, and nothing else (a file rewritten in between no longer matches).
        grainState.ETag = ETagOf(bytes);
        var (version, payload) = Verify(path, bytes);
        try
        {
            grainState.State = serializer.Deserialize<T>(payload);
        }
        catch (Exception error)
        {
            throw new DamagedStateException($"GridSearch state file '{path}' cannot be read ({error.Message}). It was left " +
                                            "as it is; restore it from a backup, or remove the sweep with 'gridsearch delete SWEEP' to start over.");
        }

        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string path = PathOf(stateName, grainId);
        CheckETag(path, grainState.ETag);
        long next = CurrentVersion(path) + 1;

        var payload = new ArrayBufferWriter<byte>(Math.Max(256, _sizeHints.GetValueOrDefault(path) + 4096));
        serializer.Serialize(grainState.State, payload);
        _sizeHints[path] = payload.WrittenCount;
        var header = new byte[HeaderLength];
        BitConverter.TryWriteBytes(header.AsSpan(0, 4), Magic);
        BitConverter.TryWriteBytes(header.AsSpan(4, 8), next);
        BitConverter.TryWriteBytes(header.AsSpan(12, 4), payload.WrittenCount);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(header);
        hash.AppendData(payload.WrittenSpan);

        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            // One fsync before the rename makes the new state durable; writing through on every write as well only
            // added synchronous disk round trips (three per state), which fused groups' many checkpoints per epoch felt.
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                await stream.WriteAsync(header);
                await stream.WriteAsync(payload.WrittenMemory);
                await stream.WriteAsync(hash.GetHashAndReset());
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        grainState.ETag = next.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string path = PathOf(stateName, grainId);
        CheckETag(path, grainState.ETag);
        File.Delete(path);
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
        return Task.CompletedTask;
    }

    private string PathOf(string stateName, GrainId grainId) => Path.Combine(Directory, Escape(stateName),
        Escape(grainId.Type.ToString()!), Escape(grainId.Key.ToString()!) + ".state");

    // Keys such as "sweep/run" become single, reversible file names.
    private static string Escape(string name) => Uri.EscapeDataString(name);

    private static void CheckETag(string path, string? etag)
    {
        string? expected = File.Exists(path) ? ETagOf(File.ReadAllBytes(path)) : null;
        if (etag != expected)
        {
            throw new InconsistentStateException(
                $"GridSearch state file '{path}' changed underneath this activation (version {expected ?? "none"}, expected {etag ?? "none"}); " +
                "is another gridsearch process using the same state directory?", expected ?? "", etag ?? "");
        }
    }

    // The version in an intact file's header; for a damaged file, a name for its exact bytes.
    private static string ETagOf(byte[] bytes) => IsIntact(bytes)
        ? BitConverter.ToInt64(bytes, 4).ToString(CultureInfo.InvariantCulture)
        : "damaged-" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    // Numbering continues from an intact file; a damaged one (being replaced on purpose) starts again at 1.
    private static long CurrentVersion(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        byte[] bytes = File.ReadAllBytes(path);
        return IsIntact(bytes) ? BitConverter.ToInt64(bytes, 4) : 0;
    }

    private static bool IsIntact(byte[] bytes)
    {
        if (bytes.Length < HeaderLength + HashLength || BitConverter.ToInt32(bytes, 0) != Magic)
        {
            return false;
        }

        int length = BitConverter.ToInt32(bytes, 12);
        return length >= 0 && bytes.Length == HeaderLength + length + HashLength
               && SHA256.HashData(bytes.AsSpan(0, HeaderLength + length)).AsSpan().SequenceEqual(bytes.AsSpan(HeaderLength + length, HashLength));
    }

    private static (long Version, ReadOnlyMemory<byte> Payload) Verify(string path, byte[] bytes)
    {
        if (bytes.Length < HeaderLength + HashLength || BitConverter.ToInt32(bytes, 0) != Magic)
        {
            throw Damaged(path, "its header is not a GridSearch state header");
        }

        int length = BitConverter.ToInt32(bytes, 12);
        if (length < 0 || bytes.Length != HeaderLength + length + HashLength)
        {
            throw Damaged(path, $"it is {bytes.Length} bytes long, expected {HeaderLength + (long)length + HashLength}");
        }

        byte[] actual = SHA256.HashData(bytes.AsSpan(0, HeaderLength + length));
        if (!actual.AsSpan().SequenceEqual(bytes.AsSpan(HeaderLength + length, HashLength)))
        {
            throw Damaged(path, "its checksum does not match its contents");
        }

        return (BitConverter.ToInt64(bytes, 4), bytes.AsMemory(HeaderLength, length));
    }

    private static DamagedStateException Damaged(string path, string why) => new(
        $"GridSearch state file '{path}' is damaged: {why}. It was left as it is; restore it from a backup, or remove " +
        "the sweep with 'gridsearch delete SWEEP' to start over.");
}

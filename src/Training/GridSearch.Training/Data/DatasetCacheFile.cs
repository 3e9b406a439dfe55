using System.Security.Cryptography;
using System.Text.Json;

namespace GridSearch.Training.Data;

/// <summary>
/// Reads and writes one decoded data set as a single file: magic, format version, a JSON header (classes, files,
/// skipped images), labels, pixels, and a SHA-256 of everything before it so a damaged file is detected.
/// Writes go to a temporary file that is renamed into place, so a reader never sees half a file. It is not forced
/// to disk: this is a cache, and a file torn by a power cut fails its checksum and is rebuilt.
/// </summary>
public static class DatasetCacheFile
{
    private const int Magic = 0x53445347; // "GSDS"
    private const int FormatVersion = 1;
    private const int HashLength = 32;

    private sealed record Header(string Root, string[] Classes, int ImageSize, string[] Files, SkippedImage[] Skipped);

    public static void Write(string path, DecodedDataset dataset)
    {
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                byte[] header = JsonSerializer.SerializeToUtf8Bytes(new Header(dataset.Root, dataset.Classes.ToArray(),
                    dataset.ImageSize, dataset.Files.ToArray(), dataset.Skipped.ToArray()));
                var prefix = new byte[12];
                BitConverter.TryWriteBytes(prefix.AsSpan(0, 4), Magic);
                BitConverter.TryWriteBytes(prefix.AsSpan(4, 4), FormatVersion);
                BitConverter.TryWriteBytes(prefix.AsSpan(8, 4), header.Length);
                foreach (var part in new[] { prefix, header, dataset.Labels, dataset.Pixels })
                {
                    stream.Write(part);
                    hash.AppendData(part);
                }

                stream.Write(hash.GetHashAndReset());
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Reads a cache file; returns null (with the reason) when it is damaged or of another format.</summary>
    public static DecodedDataset? TryRead(string path, out string? problem)
    {
        problem = null;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var prefix = new byte[12];
        if (!ReadExactly(stream, prefix, hash) || BitConverter.ToInt32(prefix, 0) != Magic
            || BitConverter.ToInt32(prefix, 4) != FormatVersion)
        {
            problem = "not a GridSearch data set cache file of this version";
            return null;
        }

        int headerLength = BitConverter.ToInt32(prefix, 8);
        if (headerLength <= 0 || headerLength > stream.Length)
        {
            problem = "its header length is out of range";
            return null;
        }

        var headerBytes = new byte[headerLength];
        Header? header;
        try
        {
            header = ReadExactly(stream, headerBytes, hash) ? JsonSerializer.Deserialize<Header>(headerBytes) : null;
        }
        catch (JsonException)
        {
            header = null;
        }

        if (header is null || header.Files is null || header.Classes is null || header.ImageSize <= 0)
        {
            problem = "its header is unreadable";
            return null;
        }

        long pixelsPerImage = PreprocessingOptions.Channels * (long)header.ImageSize * header.ImageSize;
        long expected = prefix.Length + headerLength + header.Files.Length * (1 + pixelsPerImage) + HashLength;
        if (stream.Length != expected)
        {
            problem = $"it is {stream.Length} bytes long, expected {expected}";
            return null;
        }

        var labels = new byte[header.Files.Length];
        var pixels = new byte[header.Files.Length * pixelsPerImage];
        var storedHash = new byte[HashLength];
        ReadExactly(stream, labels, hash);
        ReadExactly(stream, pixels, hash);
        stream.ReadExactly(storedHash);
        if (!storedHash.AsSpan().SequenceEqual(hash.GetHashAndReset()))
        {
            problem = "its checksum does not match its contents";
            return null;
        }

        return new DecodedDataset(header.Root, header.Classes, header.ImageSize, header.Files, labels, pixels,
            header.Skipped ?? []);
    }

    private static bool ReadExactly(Stream stream, byte[] buffer, IncrementalHash hash)
    {
        if (stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) != buffer.Length)
        {
            return false;
        }

        hash.AppendData(buffer);
        return true;
    }
}

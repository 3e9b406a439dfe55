using System.Security.Cryptography;
using System.Text.Json;
using TorchSharp;

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
                foreach (var part in new[] { prefix, header, dataset.Labels })
                {
                    stream.Write(part);
                    hash.AppendData(part);
                }

                // The pixels go out block by block through one reused buffer: no second copy of the data set.
                var block = new byte[BlockRows(dataset.PixelsPerImage, dataset.Count) * dataset.PixelsPerImage];
                int rowsPerBlock = block.Length / Math.Max(1, dataset.PixelsPerImage);
                for (int first = 0; first < dataset.Count; first += rowsPerBlock)
                {
                    int rows = Math.Min(rowsPerBlock, dataset.Count - first);
                    TensorRows.Read(dataset.Pixels, first, block, rows);
                    stream.Write(block, 0, rows * dataset.PixelsPerImage);
                    hash.AppendData(block, 0, rows * dataset.PixelsPerImage);
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

        int count = header.Files.Length;
        var labels = new byte[count];
        ReadExactly(stream, labels, hash);
        var pixels = torch.empty([count, PreprocessingOptions.Channels, header.ImageSize, header.ImageSize], torch.ScalarType.Byte);
        try
        {
            var block = new byte[BlockRows((int)pixelsPerImage, count) * pixelsPerImage];
            int rowsPerBlock = (int)(block.Length / pixelsPerImage);
            for (int first = 0; first < count; first += rowsPerBlock)
            {
                int rows = Math.Min(rowsPerBlock, count - first);
                int length = (int)(rows * pixelsPerImage);
                stream.ReadExactly(block, 0, length);
                hash.AppendData(block, 0, length);
                TensorRows.Write(pixels, first, block, rows);
            }

            var storedHash = new byte[HashLength];
            stream.ReadExactly(storedHash);
            if (!storedHash.AsSpan().SequenceEqual(hash.GetHashAndReset()))
            {
                problem = "its checksum does not match its contents";
                pixels.Dispose();
                return null;
            }
        }
        catch
        {
            pixels.Dispose();
            throw;
        }

        return new DecodedDataset(header.Root, header.Classes, header.ImageSize, header.Files, labels, pixels,
            header.Skipped ?? []);
    }

    // About 64 MB per block, at least one image.
    private static int BlockRows(int bytesPerRow, int count) => Math.Max(1, Math.Min(count, (64 << 20) / Math.Max(1, bytesPerRow)));

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

using System.Security.Cryptography;
using System.Text;

namespace GridSearch.Training.Data;

/// <summary>
/// Names a decoded data set by what it was made from: every file's relative path, size and modification time,
/// plus the preprocessing parameters. Any change to a file or a parameter gives a new key.
/// </summary>
public static class DatasetCacheKey
{
    // Bump when the decoded bytes for the same inputs would change (decoder, resize or layout changes).
    private const string PreprocessingRevision = "gridsearch-decoded-v1;imagesharp-2.1.13;stretch-triangle;rgb-chw-u8";

    public static string Compute(ImageFolderIndex index, PreprocessingOptions options)
    {
        var text = new StringBuilder()
            .Append(PreprocessingRevision).Append('\n')
            .Append("size=").Append(options.ImageSize)
            .Append(";maxPixels=").Append(options.MaxImagePixels)
            .Append(";skipBad=").Append(options.SkipBadImages).Append('\n')
            .Append("classes=").AppendJoin('/', index.Classes).Append('\n');
        foreach (var file in index.Files)
        {
            text.Append(file.RelativePath).Append('\0').Append(file.Label).Append('\0')
                .Append(file.Length).Append('\0').Append(file.LastWriteTicksUtc).Append('\n');
        }

        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }
}

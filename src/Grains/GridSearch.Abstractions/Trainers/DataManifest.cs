namespace GridSearch.Abstractions;

/// <summary>One file of a data set as a trainer saw it.</summary>
[GenerateSerializer, Immutable, Alias("gridsearch.DataFile")]
public sealed record DataFile(
    [property: Id(0)] string Path,
    [property: Id(1)] long Length,
    [property: Id(2)] long LastWriteTicksUtc);

/// <summary>
/// A data set's file list and fingerprint (the decode cache key: files, sizes, modification times and preprocessing
/// settings). Stored once per sweep, so a resume against changed data can say what changed.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridsearch.DataManifest")]
public sealed record DataManifest(
    [property: Id(0)] string Fingerprint,
    [property: Id(1)] DataFile[] Files)
{
    /// <summary>
    /// What differs between the data a sweep started with and the data now: files removed, added and modified, with a
    /// few examples of each. Empty when only the preprocessing settings or the decoder version differ.
    /// </summary>
    public static string Changes(DataManifest before, DataManifest now)
    {
        var old = before.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var current = now.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var removed = old.Keys.Where(p => !current.ContainsKey(p)).Order(StringComparer.Ordinal).ToList();
        var added = current.Keys.Where(p => !old.ContainsKey(p)).Order(StringComparer.Ordinal).ToList();
        var modified = current.Values.Where(f => old.TryGetValue(f.Path, out var was) && was != f)
            .Select(f => f.Path).Order(StringComparer.Ordinal).ToList();
        if (removed.Count + added.Count + modified.Count == 0)
        {
            return "the files are the same, but the preprocessing settings or the GridSearch decoder version differ";
        }

        return string.Join(", ", new[] { ("removed", removed), ("added", added), ("modified", modified) }
            .Where(part => part.Item2.Count > 0)
            .Select(part => $"{part.Item2.Count} file(s) {part.Item1} (e.g. {string.Join(", ", part.Item2.Take(3))})"));
    }
}

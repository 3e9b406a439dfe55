using System.IO.Compression;

namespace GridSearch.TestSupport;

/// <summary>Compares the winner's weight files of two sweeps: winner.dat byte for byte, winner.pt entry for entry.</summary>
public static class WinnerFiles
{
    /// <summary>
    /// Null when both result folders hold the same weights, else what differs. winner.pt is a zip archive whose entries
    /// carry the time they were written, so its entries' names and contents are compared rather than the file's bytes.
    /// </summary>
    public static string? Difference(string expectedFolder, string actualFolder)
    {
        if (!File.ReadAllBytes(Path.Combine(expectedFolder, "winner.dat")).AsSpan()
                .SequenceEqual(File.ReadAllBytes(Path.Combine(actualFolder, "winner.dat"))))
        {
            return "winner.dat differs";
        }

        var expected = Entries(Path.Combine(expectedFolder, "winner.pt"));
        var actual = Entries(Path.Combine(actualFolder, "winner.pt"));
        if (!expected.Keys.Order().SequenceEqual(actual.Keys.Order()))
        {
            return $"winner.pt holds {string.Join(", ", actual.Keys)}, expected {string.Join(", ", expected.Keys)}";
        }

        return expected.Where(e => !e.Value.AsSpan().SequenceEqual(actual[e.Key])).Select(e => $"winner.pt entry {e.Key} differs").FirstOrDefault();
    }

    private static Dictionary<string, byte[]> Entries(string path)
    {
        using var archive = ZipFile.OpenRead(path);
        return archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            return memory.ToArray();
        });
    }
}

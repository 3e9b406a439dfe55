namespace GridSearch.Training.Data;

/// <summary>One image file of an ImageFolder data set, with what the cache key needs to notice a change.</summary>
public sealed record ImageFileEntry(string RelativePath, int Label, long Length, long LastWriteTicksUtc);

/// <summary>
/// The files of an ImageFolder root in torchvision's order: classes sorted ordinally (label = position), then
/// files sorted ordinally within each class.
/// </summary>
public sealed record ImageFolderIndex(string Root, IReadOnlyList<string> Classes, IReadOnlyList<ImageFileEntry> Files)
{
    /// <summary>What the scan skipped and why (link cycles, say); shown to the user, never silent.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

namespace GridSearch.Training.Data;

/// <summary>One image file that cannot be used, with the reason.</summary>
public sealed class ImageRejectedException(string path, string reason) : Exception($"Image '{path}' {reason}.")
{
    public string ImagePath { get; } = path;

    public string Reason { get; } = reason;
}

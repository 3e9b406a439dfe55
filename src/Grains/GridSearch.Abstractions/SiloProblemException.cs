namespace GridSearch.Abstractions;

/// <summary>
/// A failure raised inside a silo whose own exception type cannot cross the wire (it belongs to code that knows no
/// Orleans, such as the training library). It carries the original message, which says what is wrong and how to fix
/// it, and the original type's name for logs.
/// </summary>
[GenerateSerializer, Alias("gridsearch.SiloProblemException")]
public sealed class SiloProblemException : Exception
{
    public SiloProblemException(string originalType, string message) : base(message)
    {
        OriginalType = originalType;
    }

    /// <summary>The full name of the exception type thrown in the silo.</summary>
    [Id(0)] public string OriginalType { get; init; }
}

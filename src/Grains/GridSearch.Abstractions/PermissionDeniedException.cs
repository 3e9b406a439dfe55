namespace GridSearch.Abstractions;

/// <summary>A caller asked for something it may not do: a client calling an interface reserved for silos.</summary>
[GenerateSerializer, Alias("gridsearch.PermissionDeniedException")]
public sealed class PermissionDeniedException(string message) : Exception(message);

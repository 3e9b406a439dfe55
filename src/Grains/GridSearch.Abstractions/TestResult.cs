namespace GridSearch.Abstractions;

/// <summary>
/// The winner on the test split: its accuracy and, where the trainer computes it, the confusion matrix (counts per true
/// class × predicted class, row by row, classes in folder order).
/// </summary>
[GenerateSerializer, Immutable, Alias("gridsearch.TestResult")]
public sealed record TestResult([property: Id(0)] double Accuracy, [property: Id(1)] long[]? Confusion = null);

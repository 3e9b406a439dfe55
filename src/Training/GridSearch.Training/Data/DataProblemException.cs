namespace GridSearch.Training.Data;

/// <summary>
/// A problem with the user's data set: the message names the path, what is wrong and how to fix it.
/// </summary>
public sealed class DataProblemException(string message) : Exception(message);

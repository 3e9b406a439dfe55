namespace GridSearch.Client;

/// <summary>Input the user can fix; the message says what is wrong and how. Exits with code 1.</summary>
public sealed class UserInputException(string message) : Exception(message);

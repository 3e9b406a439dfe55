namespace GridSearch.Client.Output;

/// <summary>Joins several problems into one sentence for an error message.</summary>
public static class ProblemList
{
    public static string Sentence(string prefix, IEnumerable<string> problems) =>
        $"{prefix}: {string.Join("; ", problems.Select(p => p.TrimEnd('.', ' ')))}.";
}

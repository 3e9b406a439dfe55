using System.Text.Json.Nodes;

namespace GridSearch.TestSupport;

/// <summary>results.json's cells in a form two runs of one sweep can be compared by: every field but the timings.</summary>
public static class ResultTrials
{
    /// <summary>The cells as JSON without their timings and without the fields named in <paramref name="alsoIgnored"/>.</summary>
    public static string Comparable(JsonNode trials, params string[] alsoIgnored)
    {
        var copy = trials.DeepClone().AsArray();
        foreach (var trial in copy.Select(t => t!.AsObject()))
        {
            foreach (string field in alsoIgnored.Append("seconds").Append("wallSeconds"))
            {
                trial.Remove(field);
            }
        }

        return copy.ToJsonString();
    }
}

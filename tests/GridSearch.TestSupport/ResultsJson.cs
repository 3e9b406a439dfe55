using System.Text.Json.Nodes;

namespace GridSearch.TestSupport;

/// <summary>What of a results.json two runs of the same sweep must agree on.</summary>
public static class ResultsJson
{
    /// <summary>Every cell's id, status and per-epoch numbers, in grid order (timings and silo names left out).</summary>
    public static string Numbers(JsonObject result) => string.Join(";", result["trials"]!.AsArray().Select(t =>
        $"{t!["id"]}:{t["status"]}:{t["trainLoss"]!.ToJsonString()}:{t["valAccuracy"]!.ToJsonString()}"));
}

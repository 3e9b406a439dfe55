using System.Text.Json;
using GridSearch.TestSupport;
using Json.Schema;

namespace GridSearch.Cli.Tests;

/// <summary>docs/results.schema.json, loaded once: the schema library registers a schema by its $id for the whole process.</summary>
internal static class ResultsSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromFile(Path.Combine(RepositoryPaths.Root, "docs", "results.schema.json")));

    /// <summary>Where a results document breaks the schema, one line each; empty when it is valid.</summary>
    public static string[] Problems(JsonElement document)
    {
        var evaluation = Schema.Value.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return evaluation.IsValid ? []
            : [.. (evaluation.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))];
    }
}

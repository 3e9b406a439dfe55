using System.Text.Json;
using System.Text.Json.Serialization;

namespace GridSearch.Client.Output;

/// <summary>The JSON settings of every document the CLI writes: camelCase names, indented, nulls kept.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };
}

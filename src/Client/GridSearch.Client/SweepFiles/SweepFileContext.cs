using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace GridSearch.Client.SweepFiles;

/// <summary>The file's name for messages, and every problem found so far.</summary>
internal sealed class SweepFileContext(string path)
{
    public string Path => path;

    public List<string> Problems { get; } = [];

    public void Add(YamlNode? node, string key, string message) =>
        Problems.Add(node is null
            ? $"{path}: {(key.Length > 0 ? key + ": " : "")}{message}"
            : $"{path}:{node.Start.Line}:{node.Start.Column}: {(key.Length > 0 ? key + ": " : "")}{message}");

    public T Unknown<T>(YamlNode node, string key, string prefix, IEnumerable<string> known, T unchanged)
    {
        Add(node, prefix + key, $"unknown key; the keys here are: {string.Join(", ", known)}");
        return unchanged;
    }

    public string? Text(YamlNode node, string key)
    {
        if (node is YamlScalarNode { Value: { Length: > 0 } text })
        {
            return text;
        }

        Add(node, key, "give a single value here");
        return null;
    }

    public double? Double(YamlNode node, string key) => Parse<double>(node, key, "a number such as 0.001",
        t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : (double?)null);

    public int? Int(YamlNode node, string key) => Parse<int>(node, key, "a whole number",
        t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : (int?)null);

    public long? Long(YamlNode node, string key) => Parse<long>(node, key, "a whole number",
        t => long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : (long?)null);

    public bool? Bool(YamlNode node, string key) => Parse<bool>(node, key, "true or false",
        t => bool.TryParse(t, out bool v) ? v : (bool?)null);

    private T? Parse<T>(YamlNode node, string key, string expected, Func<string, T?> parse) where T : struct
    {
        if (Text(node, key) is not { } text)
        {
            return null;
        }

        if (parse(text) is { } value)
        {
            return value;
        }

        Add(node, key, $"'{text}' is not {expected}");
        return null;
    }
}

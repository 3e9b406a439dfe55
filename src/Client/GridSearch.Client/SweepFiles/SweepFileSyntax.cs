using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GridSearch.Client.SweepFiles;

/// <summary>
/// Checks a sweep file's shape before it is loaded into a document: its size, its nesting depth and how many nodes
/// and alias uses it holds, reading YAML events one at a time. Loading builds the document recursively, so a file
/// nested thousands of levels deep would exhaust the stack, and a few lines of aliases can stand for billions of
/// nodes; a sweep file needs neither. Syntax errors the parser reports are placed at their line and column.
/// </summary>
public static class SweepFileSyntax
{
    /// <summary>The largest sweep file read: a sweep's keys and parameter lists fit in far less.</summary>
    public const int MaxBytes = 1 << 20;

    public const int MaxDepth = 32;
    public const int MaxEvents = 200_000;
    public const int MaxAliases = 1_000;

    /// <summary>Decodes the file's bytes as UTF-8, refusing bytes that are not UTF-8 text.</summary>
    public static string Decode(byte[] bytes, string path, out string? problem)
    {
        problem = null;
        if (bytes.Length > MaxBytes)
        {
            problem = $"{path}: the file is {bytes.Length:N0} bytes; a sweep file may have at most {MaxBytes:N0} (1 MiB). Is this the right file?";
            return "";
        }

        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException error)
        {
            problem = $"{path}: not UTF-8 text (an invalid byte at offset {error.Index}); save the file as UTF-8.";
            return "";
        }
    }

    /// <summary>The first problem with the file's syntax or shape, or null when it can be loaded.</summary>
    public static string? Problem(string text, string path)
    {
        var parser = new Parser(new StringReader(text));
        Mark last = Mark.Empty;
        int depth = 0, aliases = 0;
        // Nodes counted as a loader would see them, every alias standing for its anchor's whole subtree: a few lines of
        // nested aliases can stand for billions of nodes, which comparing or printing them would walk.
        long expanded = 0;
        var anchorSizes = new Dictionary<string, long>();
        var open = new Stack<(string? Anchor, long Start)>();
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                last = current.Start;
                switch (current)
                {
                    case MappingStart or SequenceStart when ++depth > MaxDepth:
                        return $"{path}:{last.Line}:{last.Column}: nested more than {MaxDepth} levels deep; a sweep file needs a few (parameters: name: [values]).";
                    case NodeEvent { Anchor: var anchor } and (MappingStart or SequenceStart):
                        expanded++;
                        open.Push((anchor.IsEmpty ? null : anchor.Value, expanded));
                        break;
                    case MappingEnd or SequenceEnd:
                        depth--;
                        if (open.TryPop(out var closed) && closed.Anchor is { } name)
                        {
                            anchorSizes[name] = expanded - closed.Start + 1;
                        }

                        break;
                    case Scalar { Anchor: var anchor }:
                        expanded++;
                        if (!anchor.IsEmpty)
                        {
                            anchorSizes[anchor.Value] = 1;
                        }

                        break;
                    case AnchorAlias alias:
                        if (++aliases > MaxAliases)
                        {
                            return $"{path}:{last.Line}:{last.Column}: more than {MaxAliases:N0} aliases (*name); write the values out instead.";
                        }

                        expanded += anchorSizes.GetValueOrDefault(alias.Value.Value, 1);
                        break;
                }

                if (expanded > MaxEvents)
                {
                    return $"{path}:{last.Line}:{last.Column}: more than {MaxEvents:N0} YAML nodes, counting what each alias (*name) stands for; " +
                           "a sweep file needs far fewer (ranges such as {min, max, count} stand for many values).";
                }
            }

            return null;
        }
        catch (YamlException error)
        {
            return $"{path}:{error.Start.Line}:{error.Start.Column}: not valid YAML or JSON: {Innermost(error).Message}";
        }
        catch (Exception error) when (error is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // The parser gives up on some malformed input without a position of its own: name where it stopped.
            return $"{path}:{last.Line}:{last.Column}: not valid YAML or JSON after this point (check for an unclosed [ or {{, or a missing quote).";
        }
    }

    internal static Exception Innermost(Exception error) => error.InnerException is { } inner ? Innermost(inner) : error;
}

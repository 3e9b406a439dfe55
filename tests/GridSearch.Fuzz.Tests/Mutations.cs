using System.Text;
using CsCheck;

namespace GridSearch.Fuzz.Tests;

/// <summary>
/// Inputs made by mutating real ones, the way coverage-free fuzzers do: a corpus entry with a few edits (bit flips,
/// interesting bytes, dictionary tokens, inserted, deleted or repeated ranges, truncation). CsCheck shrinks a failing
/// input to fewer and smaller edits.
/// </summary>
public static class Mutations
{
    private enum Edit { FlipBit, SetByte, InsertToken, InsertBytes, Delete, Repeat, Truncate }

    private sealed record Step(Edit Edit, double Where, int Length, byte Value, int Token);

    private static readonly byte[] Interesting = [0, 1, 0x7F, 0x80, 0xFF, 0xFE, (byte)'\n', (byte)'"', (byte)'\'', (byte)'\\'];

    public static Gen<byte[]> Of(IReadOnlyList<byte[]> corpus, IReadOnlyList<string> tokens)
    {
        var encodedTokens = tokens.Select(Encoding.UTF8.GetBytes).ToArray();
        var step = Gen.Select(Gen.Enum<Edit>(), Gen.Double[0, 1], Gen.Int[1, 64], Gen.Byte, Gen.Int[0, Math.Max(0, encodedTokens.Length - 1)],
            (edit, where, length, value, token) => new Step(edit, where, length, value, token));
        return Gen.Select(Gen.Int[0, corpus.Count - 1], step.Array[0, 8],
            (entry, steps) => steps.Aggregate(corpus[entry], (bytes, s) => Apply(bytes, s, encodedTokens)));
    }

    private static byte[] Apply(byte[] input, Step step, byte[][] tokens)
    {
        var bytes = new List<byte>(input);
        int at = (int)(step.Where * bytes.Count);
        int end = Math.Min(bytes.Count, at + step.Length);
        switch (step.Edit)
        {
            case Edit.FlipBit when bytes.Count > 0:
                bytes[Math.Min(at, bytes.Count - 1)] ^= (byte)(1 << (step.Value % 8));
                break;
            case Edit.SetByte when bytes.Count > 0:
                bytes[Math.Min(at, bytes.Count - 1)] = Interesting[step.Value % Interesting.Length];
                break;
            case Edit.InsertToken when tokens.Length > 0:
                bytes.InsertRange(at, tokens[step.Token]);
                break;
            case Edit.InsertBytes:
                bytes.InsertRange(at, Enumerable.Repeat(step.Value, step.Length));
                break;
            case Edit.Delete:
                bytes.RemoveRange(at, end - at);
                break;
            case Edit.Repeat:
                var range = bytes.GetRange(at, end - at);
                for (int i = 0; i < step.Value % 16; i++)
                {
                    bytes.InsertRange(end, range);
                }

                break;
            case Edit.Truncate:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
        }

        return [.. bytes];
    }
}

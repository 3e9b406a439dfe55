using System.Text;

namespace GridSearch.Trainer.Programs;

/// <summary>
/// Reads lines from a program's output keeping at most <see cref="MaxLineLength"/> characters of each: a program that
/// prints a gigabyte without a newline costs a bounded buffer, not a gigabyte of memory. The rest of a long line is
/// read and dropped, and the line is marked as cut. Reads the stream itself (UTF-8), which hands over whatever a pipe
/// holds at once: a text reader may wait to fill its buffer, holding a report back while the program trains on.
/// </summary>
public sealed class BoundedLineReader(Stream stream, int maxLineLength = BoundedLineReader.DefaultMaxLineLength)
{
    /// <summary>Longer than any report a program has reason to print; log lines are cut there.</summary>
    public const int DefaultMaxLineLength = 64 * 1024;

    private readonly byte[] _bytes = new byte[8192];
    private readonly char[] _buffer = new char[Encoding.UTF8.GetMaxCharCount(8192)];
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private readonly StringBuilder _line = new();
    private int _start;
    private int _end;

    public int MaxLineLength => maxLineLength;

    /// <summary>The next line (without its newline), whether it was cut, or null at the end of the output.</summary>
    public async Task<(string Line, bool Cut)?> ReadLineAsync(CancellationToken cancellation)
    {
        _line.Clear();
        bool cut = false;
        bool any = false;
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                int read = await stream.ReadAsync(_bytes.AsMemory(), cancellation);
                _end = _decoder.GetChars(_bytes, 0, read, _buffer, 0, flush: read == 0);
                if (read == 0)
                {
                    return any ? (Finish(), cut) : null;
                }

                if (_end == 0)
                {
                    continue; // the middle of a character: read on
                }
            }

            any = true;
            int newline = Array.IndexOf(_buffer, '\n', _start, _end - _start);
            int stop = newline < 0 ? _end : newline;
            int room = maxLineLength - _line.Length;
            int take = Math.Min(room, stop - _start);
            _line.Append(_buffer, _start, take);
            cut |= take < stop - _start;
            _start = newline < 0 ? _end : newline + 1;
            if (newline >= 0)
            {
                return (Finish(), cut);
            }
        }
    }

    private string Finish()
    {
        if (_line.Length > 0 && _line[^1] == '\r')
        {
            _line.Length--;
        }

        return _line.ToString();
    }
}

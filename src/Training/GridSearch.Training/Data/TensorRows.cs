using static TorchSharp.torch;

namespace GridSearch.Training.Data;

/// <summary>
/// Copies whole rows (images) between a .NET buffer and a uint8 tensor [N, ...]. The buffer is pinned, not copied,
/// and the tensor is addressed through a view, so this works past the 2 GiB that a span or array can reach.
/// </summary>
internal static class TensorRows
{
    /// <summary>Copies <paramref name="rows"/> rows from the start of <paramref name="buffer"/> into rows [first, first+rows).</summary>
    public static void Write(Tensor target, long first, byte[] buffer, int rows)
    {
        using var source = Rows(buffer, target, rows);
        using var destination = target.narrow(0, first, rows);
        destination.copy_(source);
    }

    /// <summary>Copies rows [first, first+rows) into the start of <paramref name="buffer"/>.</summary>
    public static void Read(Tensor source, long first, byte[] buffer, int rows)
    {
        using var destination = Rows(buffer, source, rows);
        using var rowsView = source.narrow(0, first, rows);
        destination.copy_(rowsView);
    }

    private static Tensor Rows(byte[] buffer, Tensor like, int rows)
    {
        long[] shape = [rows, .. like.shape.Skip(1)];
        long length = shape.Aggregate(1L, (a, b) => a * b);
        if (length > buffer.Length)
        {
            throw new ArgumentException($"A buffer of {buffer.Length} bytes cannot hold {rows} rows of {length / Math.Max(1, rows)} bytes.");
        }

        using var pinned = from_array(buffer);
        using var used = pinned.narrow(0, 0, length);
        return used.view(shape);
    }
}

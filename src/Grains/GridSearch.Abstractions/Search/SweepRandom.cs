namespace GridSearch.Abstractions;

/// <summary>
/// A SplitMix64 sequence: the same numbers on every machine and .NET version (unlike <see cref="Random"/>, whose
/// algorithm is not part of its contract), so random search is reproducible from the sweep seed alone.
/// </summary>
public sealed class SweepRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        unchecked
        {
            ulong value = _state += 0x9E3779B97F4A7C15;
            value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9;
            value = (value ^ (value >> 27)) * 0x94D049BB133111EB;
            return value ^ (value >> 31);
        }
    }

    /// <summary>A number in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>An index in [0, count), without modulo bias worth mentioning for the small counts of a search space.</summary>
    public int NextIndex(int count) => (int)(NextDouble() * count);
}

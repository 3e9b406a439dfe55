namespace GridSearch.Training.Trainer;

/// <summary>
/// Derives independent generator seeds from the search seed. Initial weights depend on the search seed only and
/// epoch e's shuffle on (search seed, e) only, so a cell of E1 epochs equals the first E1 epochs of a longer one
/// with the same lr and batch size, and a resumed cell replays exactly the shuffle it would have had.
/// </summary>
public static class SeedStreams
{
    private const ulong InitialWeightsStream = 0x1A17_0000_0000_0001;
    private const ulong ShuffleStream = 0x5AFF_1E00_0000_0002;
    private const ulong DropoutStream = 0xD209_0000_0000_0003;

    public static ulong InitialWeights(long searchSeed) => Mix(unchecked((ulong)searchSeed) ^ InitialWeightsStream);

    public static ulong Shuffle(long searchSeed, int epoch) =>
        Mix(Mix(unchecked((ulong)searchSeed) ^ ShuffleStream) + (ulong)epoch);

    /// <summary>The dropout masks of epoch e: from (search seed, e) only, so a resumed run draws the same ones.</summary>
    public static ulong Dropout(long searchSeed, int epoch) =>
        Mix(Mix(unchecked((ulong)searchSeed) ^ DropoutStream) + (ulong)epoch);

    // SplitMix64 finaliser: a fixed, well-distributed 64-bit mix that is the same on every machine.
    private static ulong Mix(ulong value)
    {
        unchecked
        {
            value += 0x9E3779B97F4A7C15;
            value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9;
            value = (value ^ (value >> 27)) * 0x94D049BB133111EB;
            return value ^ (value >> 31);
        }
    }
}

namespace GridSearch.Abstractions;

internal static class WeightedChoice
{
    /// <summary>The index whose share of the (normalised) <paramref name="weights"/> holds <paramref name="u"/> in [0, 1).</summary>
    public static int Pick(IReadOnlyList<double> weights, double u)
    {
        double cumulative = 0;
        for (int i = 0; i < weights.Count; i++)
        {
            cumulative += weights[i];
            if (u < cumulative)
            {
                return i;
            }
        }

        return weights.Count - 1; // rounding left the sum just below 1
    }
}

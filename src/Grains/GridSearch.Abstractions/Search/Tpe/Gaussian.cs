namespace GridSearch.Abstractions;

/// <summary>The normal distribution's pieces the Parzen estimators need, computed the same way on every machine.</summary>
internal static class Gaussian
{
    /// <summary>The standard normal's cumulative distribution.</summary>
    public static double Cdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

    /// <summary>How much of a normal (μ, σ) lies in [low, high].</summary>
    public static double MassIn(double mu, double sigma, double low, double high) =>
        Math.Max(Cdf((high - mu) / sigma) - Cdf((low - mu) / sigma), 1e-300);

    /// <summary>
    /// A draw from a normal (μ, σ) truncated to [low, high], by rejection: μ lies inside and σ is at most the width,
    /// so at least a third of the draws land inside; after many misses the draw is clamped.
    /// </summary>
    public static double SampleTruncated(SweepRandom random, double mu, double sigma, double low, double high)
    {
        for (int attempt = 0; attempt < 64; attempt++)
        {
            double x = mu + sigma * Standard(random);
            if (x >= low && x <= high)
            {
                return x;
            }
        }

        return Math.Clamp(mu, low, high);
    }

    // Box–Muller from two uniform draws (the first kept away from 0 so its logarithm is finite).
    private static double Standard(SweepRandom random)
    {
        double u = 1.0 - random.NextDouble();
        double v = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    // The complementary error function by a Chebyshev fit (fractional error below 1.2e-7 everywhere), ample for
    // comparing densities.
    private static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }
}

namespace GridSearch.Abstractions;

/// <summary>
/// A Parzen estimator over one numeric parameter: a mixture of normals truncated to the range, one at each observed
/// value and one broad prior at the centre. Each observation's width is the larger gap to its neighbours, kept between
/// the range divided by (observations + 1, at most 100) and the whole range, so dense regions are sharp and lone
/// points stay broad. Values are on the parameter's own scale: the logarithm for log ranges.
/// <para>
/// Draws come from the mixture; <see cref="LogScore"/>, which TPE compares between the good cells' estimator and the
/// others', sums the kernels at equal height instead of equal area, so a wide kernel (a lone point, the prior) counts
/// by its width more than in the normalised density. This is what Optuna's TPE computed before version 3.5 (its
/// truncated normal's log density lacked the 1/σ factor, optuna/optuna#5109); on the searcher benchmarks it finds
/// better cells than the normalised density does (bench/searchers.sh, both figures in the README).
/// </para>
/// </summary>
internal sealed class NumericParzen
{
    private const double PriorWeight = 1.0;
    private readonly double _low;
    private readonly double _high;
    private readonly double[] _mus;
    private readonly double[] _sigmas;
    private readonly double[] _weights;

    // Per kernel, what of its log score does not depend on x: its log weight less the log of its mass in the range.
    private readonly double[] _logScales;

    public NumericParzen(IReadOnlyList<double> observations, IReadOnlyList<double> observationWeights, double low, double high)
    {
        (_low, _high) = (low, high);
        double width = high - low;
        var points = observations.Select((mu, i) => (Mu: mu, Weight: observationWeights[i], IsPrior: false))
            .Append((Mu: low + width / 2, Weight: PriorWeight, IsPrior: true))
            .OrderBy(p => p.Mu).ThenBy(p => p.IsPrior).ToArray();
        int prior = Array.FindIndex(points, p => p.IsPrior);
        _mus = points.Select(p => p.Mu).ToArray();
        double total = points.Sum(p => p.Weight);
        _weights = points.Select(p => p.Weight / total).ToArray();
        double narrowest = width / Math.Min(100.0, 1.0 + points.Length);
        _sigmas = new double[points.Length];
        for (int i = 0; i < points.Length; i++)
        {
            double left = i > 0 ? _mus[i] - _mus[i - 1] : double.NaN;
            double right = i < points.Length - 1 ? _mus[i + 1] - _mus[i] : double.NaN;
            double gap = double.IsNaN(left) ? right : double.IsNaN(right) ? left : Math.Max(left, right);
            _sigmas[i] = i == prior || double.IsNaN(gap) ? width : Math.Clamp(gap, narrowest, width);
        }

        _logScales = new double[points.Length];
        for (int i = 0; i < points.Length; i++)
        {
            _logScales[i] = Math.Log(_weights[i]) - Math.Log(Gaussian.MassIn(_mus[i], _sigmas[i], low, high));
        }
    }

    public double Sample(SweepRandom random)
    {
        int component = WeightedChoice.Pick(_weights, random.NextDouble());
        return Gaussian.SampleTruncated(random, _mus[component], _sigmas[component], _low, _high);
    }

    /// <summary>log Σ wᵢ exp(−zᵢ²/2) / massᵢ, zᵢ = (x − μᵢ)/σᵢ: the kernels at equal height, truncated to the range.</summary>
    public double LogScore(double x)
    {
        // Summed from the largest term, so no term underflows to nothing.
        double largest = double.NegativeInfinity;
        for (int i = 0; i < _mus.Length; i++)
        {
            largest = Math.Max(largest, Term(i, x));
        }

        double sum = 0;
        for (int i = 0; i < _mus.Length; i++)
        {
            sum += Math.Exp(Term(i, x) - largest);
        }

        return largest + Math.Log(sum);
    }

    private double Term(int i, double x)
    {
        double z = (x - _mus[i]) / _sigmas[i];
        return _logScales[i] - 0.5 * z * z;
    }
}

namespace GridSearch.Abstractions;

/// <summary>
/// A Parzen estimator over one parameter's list of values: each value's chance is its observations' weight plus an
/// equal share of a prior, so a value never seen keeps some chance.
/// </summary>
internal sealed class ChoiceParzen
{
    private const double PriorWeight = 1.0;
    private readonly double[] _chances;

    public ChoiceParzen(int choices, IReadOnlyList<int> observations, IReadOnlyList<double> observationWeights)
    {
        var weights = Enumerable.Repeat(PriorWeight / choices, choices).ToArray();
        for (int i = 0; i < observations.Count; i++)
        {
            weights[observations[i]] += observationWeights[i];
        }

        double total = weights.Sum();
        _chances = weights.Select(w => w / total).ToArray();
    }

    public int Sample(SweepRandom random) => WeightedChoice.Pick(_chances, random.NextDouble());

    public double LogDensity(int choice) => Math.Log(_chances[choice]);
}

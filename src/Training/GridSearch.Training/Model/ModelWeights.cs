namespace GridSearch.Training.Model;

/// <summary>
/// The logistic model's parameters as one float32 array: the linear weights in input order, then the bias.
/// </summary>
public sealed record ModelWeights(float[] Values)
{
    public int InputFeatures => Values.Length - 1;

    public float Bias => Values[^1];

    public bool ContentEquals(ModelWeights other) => Values.AsSpan().SequenceEqual(other.Values);
}

namespace GridSearch.Training.Model;

/// <summary>
/// A classifier's parameters as one float32 array, in the model's own order (for the baseline's model: the linear
/// weights in input order, then the bias). Everything above the model treats it as opaque.
/// </summary>
public sealed record ModelWeights(float[] Values)
{
    public bool ContentEquals(ModelWeights other) => Values.AsSpan().SequenceEqual(other.Values);
}

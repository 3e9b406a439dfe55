using TorchSharp;

namespace GridSearch.Training.Trainer;

/// <summary>
/// The constants every batch uses, as Scalars that live as long as the process. TorchSharp hands a Scalar's native
/// handle to libtorch without keeping the Scalar alive, so one made on the fly (<c>t.sub_(0.5f)</c>) can be finalised
/// by a garbage collection while libtorch still reads it, failing the step with "Unknown scalar type" at random. Static
/// fields are never collected. Values and types equal the literals they replace, so results are unchanged.
/// </summary>
public static class Scalars
{
    /// <summary>255 as float32: uint8 pixels become [0, 1].</summary>
    public static readonly Scalar PixelMax = 255f.ToScalar();

    /// <summary>0.5 as float32: the baseline's normalisation, (x − 0.5) / 0.5.</summary>
    public static readonly Scalar HalfFloat = 0.5f.ToScalar();

    /// <summary>0.5 as a double: the binary models' decision threshold on the probability of the second class.</summary>
    public static readonly Scalar Threshold = 0.5.ToScalar();

    /// <summary>1 as float32: a fused step's multiply-add takes its per-lane rates from a tensor, scaled by this.</summary>
    public static readonly Scalar OneFloat = 1f.ToScalar();
}

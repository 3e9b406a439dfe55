namespace GridSearch.Abstractions;

/// <summary>How far a trainer silo has decoded a data set: images done of the total.</summary>
[GenerateSerializer, Immutable, Alias("gridsearch.DecodeProgress")]
public sealed record DecodeProgress([property: Id(0)] int Decoded, [property: Id(1)] int Total)
{
    public override string ToString() =>
        $"decoding the data set on a trainer silo: {Decoded:N0} of {Total:N0} images ({(Total == 0 ? 100 : 100L * Decoded / Total)} %)";
}

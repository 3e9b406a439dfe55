namespace GridSearch.Abstractions;

/// <summary>
/// A grain that must run on a trainer silo was placed while the cluster has no active trainer. The coordinator
/// recognises this type (not the wording of an Orleans message) and waits for a trainer instead of failing the sweep.
/// </summary>
[GenerateSerializer, Alias("gridsearch.NoTrainerException")]
public sealed class NoTrainerException() : Exception(
    "no trainer silo is active in the cluster: this grain runs only on silos whose metadata marks them as trainers");

namespace GridSearch.Abstractions;

/// <summary>
/// A run's progress: the weights (and optimizer state, for momentum and Adam) after its last completed epoch, the
/// weights of its best epoch when that is an earlier one, and the metrics of every epoch so far. The run's checkpoint
/// is the source of truth for its run; the coordinator's view may lag behind it (it is written lazily) and catches up
/// by replaying the history. For a user's program, <see cref="OptimizerState"/> holds its run folder as it was at the
/// last reported epoch (a tar archive): everything the program keeps to resume from.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridsearch.TrialCheckpoint")]
public sealed record RunCheckpoint(
    [property: Id(0)] int Attempt,
    [property: Id(1)] EpochMetrics[] History,
    [property: Id(2)] float[] Weights,
    [property: Id(3)] string? Incarnation = null,
    [property: Id(4)] byte[]? OptimizerState = null,
    [property: Id(5)] float[]? BestWeights = null,
    [property: Id(6)] float[]? FusedMomentum = null)
{
    /// <summary>
    /// A program with a test command: its run folder at the run's best epoch by the sweep's objective
    /// (<see cref="BestFolderEpoch"/>), kept while that is earlier than the last epoch, whose folder is
    /// <see cref="OptimizerState"/>. The winner's test command runs on it.
    /// </summary>
    [Id(7)] public byte[]? BestFolder { get; init; }

    /// <summary>The epoch <see cref="FolderAfter"/> keeps besides the last; 0 when no folder is kept for a test.</summary>
    [Id(8)] public int BestFolderEpoch { get; init; }

    /// <summary>A program's run folder after an epoch: the last one's and, for a test command, the best one's; else null.</summary>
    public byte[]? FolderAfter(int epoch) =>
        epoch == BestFolderEpoch && BestFolder is { } best ? best : epoch == Epoch ? OptimizerState : null;

    public int Epoch => History.Length == 0 ? 0 : History[^1].Epoch;

    public EpochMetrics Metrics => History[^1];

    /// <summary>
    /// The run's best epoch: the earliest with the highest validation accuracy, as the coordinator breaks ties among a
    /// run's epochs. Its weights are kept (<see cref="BestWeights"/>) because, when the coordinator's state lags by
    /// several epochs, it is the one replayed epoch that can end up as the sweep's winner.
    /// </summary>
    public int BestEpoch
    {
        get
        {
            int best = 0;
            double accuracy = double.NegativeInfinity;
            foreach (var epoch in History)
            {
                if (epoch.ValidationAccuracy > accuracy || best == 0)
                {
                    (best, accuracy) = (epoch.Epoch, epoch.ValidationAccuracy);
                }
            }

            return best;
        }
    }

    /// <summary>The weights after an epoch, for a replay: the last epoch's and the best epoch's are kept; others are empty.</summary>
    public float[] WeightsAfter(int epoch) =>
        epoch == Epoch ? Weights : epoch == BestEpoch && BestWeights is { } best ? best : [];

    /// <summary>
    /// The checkpoint after one more epoch: its weights, and the best epoch's weights while that is an earlier one.
    /// A run trained in a fused group keeps its momentum buffer (<paramref name="fusedMomentum"/>, laid out like the
    /// weights) instead of an optimiser's state.
    /// </summary>
    /// <param name="testedBy">
    /// For a program with a test command, the sweep's objective: the run folder of the run's best epoch by it is kept
    /// too (the earliest of equal ones, as the coordinator picks the winner's epoch).
    /// </param>
    public static RunCheckpoint After(RunCheckpoint? previous, int attempt, EpochMetrics metrics, float[] weights,
        string? incarnation, byte[]? optimizerState, float[]? fusedMomentum = null, Objective? testedBy = null)
    {
        var next = new RunCheckpoint(attempt, [.. previous?.History ?? [], metrics], weights, incarnation, optimizerState,
            FusedMomentum: fusedMomentum);
        int best = next.BestEpoch;
        if (best != metrics.Epoch)
        {
            next = next with { BestWeights = previous!.WeightsAfter(best) };
        }

        if (testedBy is null)
        {
            return next;
        }

        int bestFolder = BestEpochBy(next.History, testedBy);
        return bestFolder == metrics.Epoch
            ? next with { BestFolderEpoch = bestFolder }
            : next with { BestFolderEpoch = bestFolder, BestFolder = previous!.FolderAfter(bestFolder) };
    }

    /// <summary>
    /// Population-based training: a run going on from a donor's checkpoint at the same epoch. The weights, optimiser
    /// state or run folder become the donor's; the run keeps its own attempt count, its own history of epochs (the
    /// coordinator recorded those) and its own best folder for a test command. The best epoch's weights are dropped:
    /// they serve replays, and every epoch up to this one is recorded before a decision is made.
    /// </summary>
    public static RunCheckpoint Adopting(RunCheckpoint? own, RunCheckpoint donor) => own is null
        ? donor with { BestWeights = null, BestFolder = null, BestFolderEpoch = 0 }
        : donor with
        {
            Attempt = own.Attempt,
            History = own.History.Where(e => e.Epoch <= donor.Epoch).ToArray(),
            BestWeights = null,
            BestFolder = own.BestFolderEpoch == own.Epoch ? own.OptimizerState : own.BestFolder,
            BestFolderEpoch = own.BestFolderEpoch,
        };

    /// <summary>The best of a run's epochs by an objective: the earliest of equal ones, as the coordinator picks the winner's epoch.</summary>
    public static int BestEpochBy(IReadOnlyList<EpochMetrics> history, Objective objective)
    {
        int best = history[0].Epoch;
        double score = objective.Score(history[0]);
        foreach (var epoch in history.Skip(1))
        {
            if (objective.Score(epoch) > score)
            {
                (best, score) = (epoch.Epoch, objective.Score(epoch));
            }
        }

        return best;
    }
}

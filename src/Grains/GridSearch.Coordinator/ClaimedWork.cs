namespace GridSearch.Coordinator;

/// <summary>Work claimed for one trainer slot: a run alone (no group), or some runs of a fused group.</summary>
public sealed record ClaimedWork(FusedGroupRecord? Group, IReadOnlyList<RunRecord> Runs);

/// <summary>What an epoch report did.</summary>
public enum EpochRecordOutcome
{
    Ignored,
    Recorded,
    RecordedNewBest,
}

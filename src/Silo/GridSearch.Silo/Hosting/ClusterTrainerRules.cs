using GridSearch.Trainer.Execution;

namespace GridSearch.Silo.Hosting;

/// <summary>What a trainer in a cluster must have configured that an embedded one need not.</summary>
public static class ClusterTrainerRules
{
    public static IReadOnlyList<string> Problems(TrainerSiloOptions trainer) =>
        trainer.Enabled && trainer.DataRoots.Count == 0 && !trainer.AllowAnyDataRoot
            ?
            [
                $"{TrainerSiloOptions.Section}:DataRoots is empty: a cluster trainer reads data sets only under configured folders, " +
                "since any client could otherwise name any path this silo can read. Set GridSearch__Trainer__DataRoots__0 (for " +
                "example /data, where the data sets are mounted), or GridSearch__Trainer__AllowAnyDataRoot=true to allow any path.",
            ]
            : [];
}

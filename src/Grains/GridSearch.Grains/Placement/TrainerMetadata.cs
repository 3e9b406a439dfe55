using System.Globalization;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace GridSearch.Grains.Placement;

/// <summary>
/// The silo metadata keys (configuration section <c>Orleans:Metadata</c>) that mark a silo as a trainer and say
/// how many cells it runs at once.
/// </summary>
public static class TrainerMetadata
{
    public const string IsTrainerKey = "gridsearch.trainer";
    public const string SlotsKey = "gridsearch.trainer.slots";

    public static Dictionary<string, string> For(bool isTrainer, int slots) => new()
    {
        [IsTrainerKey] = isTrainer ? "true" : "false",
        [SlotsKey] = slots.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Whether this silo knows the other silo's GridSearch metadata at all (every GridSearch silo publishes it). Orleans
    /// fetches it once per silo and, if that fetch fails, not again for minutes: meanwhile the silo gets no cells.
    /// </summary>
    public static bool IsKnown(SiloMetadata metadata) => metadata.Metadata.ContainsKey(IsTrainerKey);

    public static bool IsTrainer(SiloMetadata metadata) =>
        metadata.Metadata.TryGetValue(IsTrainerKey, out var value)
        && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    public static int Slots(SiloMetadata metadata) =>
        IsTrainer(metadata) && metadata.Metadata.TryGetValue(SlotsKey, out var value)
        && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int slots)
            ? slots
            : 0;

    /// <summary>Every active trainer silo with its slot count.</summary>
    public static IReadOnlyList<(SiloAddress Silo, int Slots)> ActiveTrainers(IClusterMembershipService membership, ISiloMetadataCache metadata) =>
        membership.CurrentSnapshot.Members.Values
            .Where(member => member.Status == SiloStatus.Active)
            .Select(member => (member.SiloAddress, Slots(metadata.GetSiloMetadata(member.SiloAddress))))
            .Where(trainer => trainer.Item2 > 0)
            .ToList();
}

using System.Security.Cryptography;

namespace GridSearch.Client.Sweeps;

/// <summary>New sweep ids: sortable by time, unique without coordination.</summary>
public static class SweepIds
{
    public static string New(TimeProvider clock) =>
        $"sweep-{clock.GetUtcNow():yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}";
}

using GridSearch.Client.Output;

namespace GridSearch.Client.Sweeps;

/// <summary>
/// Calls a sweep's coordinator while its silo may be dying: a silo that dies takes its coordinators along until the
/// cluster notices (seconds to a minute), and calls made meanwhile fail or time out. They are tried again, with a
/// warning, for up to <see cref="Limit"/>; then the last failure is passed on.
/// </summary>
public static class OutageTolerance
{
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(1);

    public static async Task<T> CallAsync<T>(Func<Task<T>> call, CliOutput output)
    {
        DateTimeOffset? unreachableSince = null;
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception error) when (error is OrleansException or TimeoutException)
            {
                var now = DateTimeOffset.UtcNow;
                unreachableSince ??= now;
                if (now - unreachableSince > Limit)
                {
                    throw;
                }

                output.Warn($"the sweep's coordinator is unreachable ({error.GetType().Name}); retrying while the cluster recovers");
                await Task.Delay(Pause, CancellationToken.None);
            }
        }
    }
}

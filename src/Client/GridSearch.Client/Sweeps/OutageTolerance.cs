using GridSearch.Client.Output;
using Polly;
using Polly.Retry;

namespace GridSearch.Client.Sweeps;

/// <summary>
/// Calls a sweep's coordinator while its silo may be dying: a silo that dies takes its coordinators along until the
/// cluster notices (seconds to a minute), and calls made meanwhile fail or time out. They are tried again, with a
/// warning, every <see cref="Pause"/> for up to <see cref="Limit"/> from the first failure; then the last failure is passed on.
/// </summary>
public static class OutageTolerance
{
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(1);

    public static async Task<T> CallAsync<T>(Func<Task<T>> call, CliOutput output)
    {
        DateTimeOffset? unreachableSince = null;
        var retries = new ResiliencePipelineBuilder<T>()
            .AddRetry(new RetryStrategyOptions<T>
            {
                ShouldHandle = retry =>
                {
                    if (retry.Outcome.Exception is not (OrleansException or TimeoutException))
                    {
                        return ValueTask.FromResult(false);
                    }

                    var now = DateTimeOffset.UtcNow;
                    unreachableSince ??= now;
                    return ValueTask.FromResult(now - unreachableSince <= Limit);
                },
                MaxRetryAttempts = int.MaxValue,
                Delay = Pause,
                BackoffType = DelayBackoffType.Constant,
                OnRetry = retry =>
                {
                    output.Warn($"the sweep's coordinator is unreachable ({retry.Outcome.Exception!.GetType().Name}); retrying while the cluster recovers");
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        return await retries.ExecuteAsync(async _ => await call(), CancellationToken.None);
    }
}
